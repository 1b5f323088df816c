"""The frozen snapshot the rules judge: a case's facts and its attempts, nothing else.

No database here: ``services.snapshot_of(case)`` builds it from the models, tests build it by
hand. The particular circumstances are reduced to "described or not" so the encrypted text never
travels into the assessment.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

ONLINE = "online"
WRITTEN_REQUEST_CHANNELS = frozenset({"email", "letter"})
# Online outcomes that prove nothing about availability: only a page saying "no slot" does.
INCONCLUSIVE_OUTCOMES = frozenset({"error", "unknown", "captcha", "queue", "closed"})
SLOTS_AVAILABLE = "slots_available"
NO_SLOT = "no_slot"
EVIDENCE_KINDS = ("sealed", "manual", "imported")


@dataclass(frozen=True)
class AttemptFact:
    channel: str
    at: datetime  # aware
    outcome: str
    evidence: str  # sealed / manual / imported
    has_files: bool = False

    @property
    def has_proof(self) -> bool:
        return self.has_files or self.evidence == "sealed"

    @property
    def counts(self) -> bool:
        """Whether this attempt counts as a failed attempt before a judge.

        Online: only a page positively showing no slot (the honesty rule: error, captcha, queue,
        unknown or a closed module prove nothing). Other channels: only with a proof attached
        (the sent e-mail, the AR, the witness attestation).
        """
        if self.channel == ONLINE:
            return self.outcome == NO_SLOT
        return self.has_proof and self.outcome not in INCONCLUSIVE_OUTCOMES | {SLOTS_AVAILABLE}


@dataclass(frozen=True)
class CaseFacts:
    procedure_kind: str  # first_application / renewal / other
    today: date
    attempts: tuple[AttemptFact, ...] = ()
    title_expires_on: date | None = None
    unexecuted_oqtf: bool = False
    employment: bool = False
    social_benefits: bool = False
    has_particular_circumstances: bool = False
    timezone: str = "Europe/Paris"
    counted: tuple[AttemptFact, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.attempts, key=lambda attempt: attempt.at))
        object.__setattr__(self, "attempts", ordered)
        object.__setattr__(self, "counted", tuple(a for a in ordered if a.counts))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
