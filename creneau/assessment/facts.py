"""The frozen snapshot the rules judge: a case's facts and its attempts, nothing else.

No database here: ``services.snapshot_of(case)`` builds it from the models, tests build it by
hand. The particular circumstances are reduced to "described or not" so the encrypted text never
travels into the assessment.
"""

from dataclasses import KW_ONLY, dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from creneau.cases.models import INCONCLUSIVE_OUTCOMES, Channel, Outcome

ONLINE = Channel.ONLINE
WRITTEN_REQUEST_CHANNELS = frozenset({Channel.EMAIL, Channel.LETTER})
SLOTS_AVAILABLE = Outcome.SLOTS_AVAILABLE
NO_SLOT = Outcome.NO_SLOT
EVIDENCE_KINDS = ("sealed", "sent", "manual", "imported")
# The evidence states of ``creneau.evidence.states`` (its codes: this module stays pure).
TIMESTAMPED, AWAITING = "timestamped", "awaiting_timestamp"
WITH_FILE, WITHOUT_FILE = "declared_with_file", "declared_without_file"
STATES = (TIMESTAMPED, AWAITING, WITH_FILE, WITHOUT_FILE)
# What the reading of an attached screenshot says (``evidence.readings``): nothing against the
# case, a blocking warning (set aside), or a blocking warning a volunteer overrode with a note.
AGREES, SET_ASIDE, OVERRIDDEN = "agrees", "set_aside", "overridden"


@dataclass(frozen=True)
class AttemptFact:
    channel: str
    at: datetime  # aware
    outcome: str
    evidence: str  # how it was recorded: sealed / sent / manual / imported
    has_files: bool = False
    _: KW_ONLY  # the rest by name only: a positional slip would silently fill the wrong field
    # ANEF journey (assessment.anef): a blocking of the téléservice documented by a file or a
    # seal, what the contact centre certified, who saw a visit, what a written request asked.
    blocking: bool = False
    ticket: str = ""
    certifies: bool = False
    witnessed: bool = False
    purpose: str = ""
    state: str = ""  # evidence state (``services.snapshot_of`` sets it from evidence.states)
    # The reading of its screenshots: "" (none read), AGREES, SET_ASIDE or OVERRIDDEN, and the
    # codes of the blocking warnings. A reading never changes the evidence state.
    screenshot: str = ""
    screenshot_codes: tuple[str, ...] = ()

    @property
    def proof_state(self) -> str:
        """The evidence state; for a snapshot built by hand without one, the most modest
        state its facts allow (never « timestamped »: only a verified token says that)."""
        if self.state:
            return self.state
        if self.evidence in ("sealed", "sent"):
            return AWAITING
        return WITH_FILE if self.has_files else WITHOUT_FILE

    @property
    def has_proof(self) -> bool:
        return self.proof_state != WITHOUT_FILE

    @property
    def counts(self) -> bool:
        """Whether this attempt counts as a failed attempt before a judge.

        Online: only a page positively showing no slot (the honesty rule: error, captcha, queue,
        unknown or a closed module prove nothing), or, for an ANEF case, the téléservice failing
        with a file or seal to show it (``blocking``). Other channels: only with a proof attached
        (the sent e-mail, the AR, the witness attestation).
        """
        if self.channel == ONLINE:
            return self.outcome == NO_SLOT or self.blocking
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
    # Decisions that change the route (assessment.route): an express refusal, an application
    # lodged (four months of silence on it make an implicit refusal).
    refused_on: date | None = None
    application_filed_on: date | None = None
    timezone: str = "Europe/Paris"
    # The route of the application (cases.filing): booking, anef, post or form; for ANEF, the
    # provisional document issued (« attestation », « recepisse », « none », « » unknown).
    channel: str = "booking"
    provisional: str = ""
    provisional_until: date | None = None
    # Days before expiry when a renewal may be filed (R.431-5 CESEDA); set from the thresholds.
    renewal_window_days: int | None = None
    counted: tuple[AttemptFact, ...] = field(init=False, repr=False)
    # Attempts that would count but are set aside, and why (metrics and reasons report them).
    future: tuple[AttemptFact, ...] = field(init=False, repr=False)
    premature: tuple[AttemptFact, ...] = field(init=False, repr=False)
    duplicates: tuple[AttemptFact, ...] = field(init=False, repr=False)
    # Screenshots whose reading contradicts the case, until a volunteer decides (a note).
    screenshots_aside: tuple[AttemptFact, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.attempts, key=lambda attempt: attempt.at))
        object.__setattr__(self, "attempts", ordered)
        future, premature, duplicates, counted, aside = [], [], [], [], []
        seen: set[tuple[str, str, datetime]] = set()
        opens = self.window_opens
        for attempt in ordered:
            day = self.local_date(attempt.at)
            # One page seen twice in the same minute is one attempt, not two proofs.
            key = (attempt.channel, attempt.outcome, attempt.at.replace(second=0, microsecond=0))
            if not attempt.counts:
                continue
            if attempt.screenshot == SET_ASIDE:
                aside.append(attempt)  # what the screenshot shows is not what is declared
            elif day > self.today:
                future.append(attempt)  # after the assessment day: cannot be relied on yet
            elif opens is not None and day < opens:
                premature.append(attempt)  # the renewal could not be filed yet (R.431-5)
            elif key in seen:
                duplicates.append(attempt)
            else:
                seen.add(key)
                counted.append(attempt)
        object.__setattr__(self, "counted", tuple(counted))
        object.__setattr__(self, "future", tuple(future))
        object.__setattr__(self, "premature", tuple(premature))
        object.__setattr__(self, "duplicates", tuple(duplicates))
        object.__setattr__(self, "screenshots_aside", tuple(aside))

    @property
    def window_opens(self) -> date | None:
        """First day a renewal may be filed, when the expiry date and the window are known."""
        if self.procedure_kind != "renewal" or self.title_expires_on is None:
            return None
        if self.renewal_window_days is None:
            return None
        return self.title_expires_on - timedelta(days=self.renewal_window_days)

    @property
    def uses_online(self) -> bool:
        """Whether the booking is attempted online: then only online pages prove unavailability."""
        return any(attempt.channel == ONLINE for attempt in self.attempts)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
