"""French wording helpers: dates with « 1er », Paris time, euros and typographic spaces."""

import datetime
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def _day(day: int) -> str:
    # Babel writes « 1 septembre »; French usage is « 1er septembre ».
    return "1er" if day == 1 else str(day)


def french_date(value: datetime.date, *, weekday: bool = False) -> str:
    """« 1er septembre 2026 », or « mardi 1er septembre 2026 » with ``weekday``."""
    month_year = format_date(value, "MMMM y", locale="fr_FR")
    text = f"{_day(value.day)} {month_year}"
    if weekday:
        text = f"{format_date(value, 'EEEE', locale='fr_FR')} {text}"
    return text


def paris(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(PARIS)


def french_time(moment: datetime.datetime) -> str:
    """« 9 h 05 » in Paris time, with non-breaking spaces so the hour never wraps alone."""
    local = paris(moment)
    return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def french_datetime(moment: datetime.datetime) -> str:
    """« mardi 1er septembre 2026 à 9 h 05 », in Paris time."""
    return f"{french_date(paris(moment).date(), weekday=True)} à {french_time(moment)}"


def month_label(value: datetime.date) -> str:
    """« septembre 2026 »."""
    return format_date(value, "MMMM y", locale="fr_FR")


def euros(amount: int) -> str:
    """« 1 500 € » with non-breaking spaces."""
    return f"{amount:,}".replace(",", NBSP) + f"{NBSP}€"


_TAG = re.compile(r"(<[^>]*>)")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")
_BEFORE_PUNCTUATION = re.compile(r"(?<=[\w»)]) ([:;!?])")


def _fix_text(text: str) -> str:
    text = _AFTER_OPENING.sub(f"«{NBSP}", text)
    text = _BEFORE_CLOSING.sub(f"{NBSP}»", text)
    return _BEFORE_PUNCTUATION.sub(rf"{NBSP}\1", text)


def fix_typography(html: str) -> str:
    """Non-breaking spaces inside « guillemets » and before : ; ! ? in the text of ``html``.

    Only text between tags is touched, so attributes keep their spelling. Without it WeasyPrint
    may break a line right after « (stack.md §11).
    """
    parts = _TAG.split(html)
    return "".join(part if part.startswith("<") else _fix_text(part) for part in parts)
