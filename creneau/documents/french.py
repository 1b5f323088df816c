"""French wording helpers: dates with « 1er », local time, euros, elision, plurals, spaces.

Times are printed in the time zone of the case's département (Paris time in mainland France,
local time overseas), so the hour in a document matches the clock on the person's screenshots.
"""

import datetime
import re
import unicodedata
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_date

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
_VOWELS = frozenset("aeiouyh")


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


def paris(moment: datetime.datetime, zone: ZoneInfo = PARIS) -> datetime.datetime:
    """``moment`` in the case's local time (Paris unless ``zone`` says otherwise)."""
    return moment.astimezone(zone)


def french_time(moment: datetime.datetime, zone: ZoneInfo = PARIS) -> str:
    """« 9 h 05 » in local time, with non-breaking spaces so the hour never wraps alone."""
    local = paris(moment, zone)
    return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def french_datetime(moment: datetime.datetime, zone: ZoneInfo = PARIS) -> str:
    """« mardi 1er septembre 2026 à 9 h 05 », in local time."""
    day = french_date(paris(moment, zone).date(), weekday=True)
    return f"{day} à {french_time(moment, zone)}"


def of(name: str) -> str:
    """« d'Amina BENALI », « de Mamadou DIALLO »: the preposition elided before a vowel or h."""
    first = unicodedata.normalize("NFKD", name.strip()[:1]).encode("ascii", "ignore").decode()
    return f"d'{name.strip()}" if first.lower() in _VOWELS else f"de {name.strip()}"


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """« 1 jour », « 8 jours »: the number and its noun, agreed."""
    return f"{count}{NBSP}{singular if count == 1 else (plural_form or singular + 's')}"


def exhibit_numbers(numbers: Sequence[int]) -> str:
    """« pièce n° 4 », « pièces n° 4 et 5 », « pièces n° 4 à 7 », « pièces n° 2, 4 et 7 »."""
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    if len(ordered) == 1:
        return f"pièce n°{NBSP}{ordered[0]}"
    if len(ordered) > 2 and ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"pièces n°{NBSP}{ordered[0]} à {ordered[-1]}"
    head = ", ".join(str(n) for n in ordered[:-1])
    return f"pièces n°{NBSP}{head} et {ordered[-1]}"


def short_date(value: datetime.date) -> str:
    """« 03/12/2026 », for messages to volunteers."""
    return f"{value:%d/%m/%Y}"


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


_LAST_ITEM = re.compile(r"[ \u00a0\u202f]*;[ \u00a0\u202f]*(</li>\s*</(?:ul|ol)>)")


def fix_list_endings(html: str) -> str:
    """The last item of a list ends with a full stop, not « ; » (« …de 100 € par jour. »)."""
    return _LAST_ITEM.sub(r".\1", html)
