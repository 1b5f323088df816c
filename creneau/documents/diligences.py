"""An ANEF case's diligences, counted apart for what a file proves and what is only declared.

Article R. 431-2 CESEDA opens the substitute route to the person who « ayant accompli toutes les
diligences qui lui incombent » could not use the téléservice: blockings of the téléservice, the
contact centre (CCC), the point d'accueil numérique (PAN), the written requests to the
prefecture. A document says « justifie de N » only for steps whose file is an exhibit of the
bundle (``creneau.evidence.states``: a capture, a sent e-mail, a screenshot, a scan), each kind
citing its own exhibits; the steps recorded without a file are counted apart, as declared, and
the relevé du journal lists them (issue 14: never claim more than is proven).
"""

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from creneau.cases.models import Attempt, AttemptDetail, Channel, detail_of
from creneau.documents.context import split_by_proof
from creneau.documents.exhibits import Exhibit, exhibit_of, is_listed, letter_receipts
from creneau.documents.french import PARIS, exhibit_numbers, paris
from creneau.evidence.states import Evidence, State

WRITTEN = frozenset({Channel.EMAIL, Channel.LETTER})
# What a written request of an ANEF case asks for (``AttemptDetail.Purpose``).
REQUEST_PURPOSES = frozenset({"substitute", "attestation"})


def _detail(attempt: Attempt) -> AttemptDetail | None:
    return detail_of(attempt)


def _is_request(attempt: Attempt) -> bool:
    detail = _detail(attempt)
    return attempt.channel in WRITTEN and detail is not None and detail.purpose in REQUEST_PURPOSES


def _flag(attempts: Sequence[Attempt], name: str) -> int:
    count = 0
    for attempt in attempts:
        detail = _detail(attempt)
        count += bool(detail is not None and getattr(detail, name))
    return count


def tally(
    attempts: Sequence[Attempt],
    evidence: Mapping[int, Evidence],
    numbers: Mapping[int, int],
    zone: ZoneInfo = PARIS,
) -> dict[str, Any]:
    """The diligences among ``attempts`` (all proven, or all declared), by kind, with the
    exhibits citing each kind (``numbers``: attempt id → exhibit number; empty for declared
    steps, which only the relevé du journal lists). An avis de réception is its letter's
    outcome, not one more step."""
    listed = [a for a in attempts if is_listed(a)]
    receipts = letter_receipts(listed)
    steps = [a for a in listed if a.pk not in receipts]
    online = [a for a in steps if a.channel == Channel.ONLINE]
    ccc = [a for a in steps if a.channel == Channel.CCC]
    pan = [a for a in steps if a.channel == Channel.PAN]
    requests = [a for a in steps if _is_request(a)]
    letters = [a for a in steps if a.channel in WRITTEN and not _is_request(a)]

    def refs(group: Sequence[Attempt], *extra: Attempt) -> str:
        ids = [a.pk for a in (*group, *extra)]
        return exhibit_numbers([numbers[pk] for pk in ids if pk in numbers])

    def answers(group: Sequence[Attempt]) -> list[Attempt]:
        """The avis de réception of these letters (their exhibit is the letter's)."""
        mine = {a.pk for a in group}
        return [a for a in listed if a.pk in receipts and receipts[a.pk].pk in mine]

    weeks = {paris(a.at, zone).date().isocalendar()[:2] for a in online}
    return {
        "count": len(steps),
        "blockings": len(online),
        "blocking_weeks": len(weeks),
        "timestamped": sum(evidence[a.pk].state == State.TIMESTAMPED for a in online),
        "blockings_ref": refs(online),
        "ccc": len(ccc),
        "ccc_certified": _flag(ccc, "certifies_impossibility"),
        "ccc_ref": refs(ccc),
        "pan": len(pan),
        "pan_witnessed": _flag(pan, "witnessed"),
        "pan_certified": _flag(pan, "certifies_impossibility"),
        "pan_ref": refs(pan),
        "requests": len(requests),
        "requests_ref": refs(requests, *answers(requests)),
        "letters": len(letters),
        "letters_ref": refs(letters, *answers(letters)),
        "others": len(steps) - len(online) - len(ccc) - len(pan) - len(requests) - len(letters),
    }


def diligences(
    attempts: Sequence[Attempt],
    evidence: Mapping[int, Evidence],
    exhibits: Sequence[Exhibit] = (),
    zone: ZoneInfo = PARIS,
) -> dict[str, dict[str, Any]]:
    """``{"proven": tally, "declared": tally}``: what the bundle proves, what is only declared."""
    proven, declared = split_by_proof(attempts, evidence)
    numbers = exhibit_of(exhibits)
    return {
        "proven": tally(proven, evidence, numbers, zone),
        "declared": tally(declared, evidence, {}, zone),
    }
