"""Page classifier (pure): what did the booking page show a person?

PLACEHOLDER SIGNATURE — the real classifier replaces the body of ``classify``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Classification:
    outcome: str  # no_slot, slots_available, closed, error, captcha, queue, unknown
    system: str = ""  # a creneau.catalog.models.BookingSystem value, "" when not recognised
    matched: str = ""  # the visible text that decided
    slots: tuple[str, ...] = field(default_factory=tuple)
    needs_review: bool = False  # an unknown layout a person should look at


def classify(
    html: str,
    *,
    status: int | None = None,
    final_url: str = "",
    dialogs: Sequence[str] = (),
    visible_text: str | None = None,
) -> Classification:
    return Classification(outcome="unknown", needs_review=True)
