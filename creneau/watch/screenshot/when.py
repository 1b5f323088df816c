"""Times and dates an image tells: its file name, a clock on screen, dates and years on the page.

Pure functions of strings. Times without a zone are local (the phone's clock, its file names);
the caller gives the zone. Only names that devices write are read (they always carry seconds):
a name typed by a person is no evidence of anything.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

# Android (AOSP, Pixel, Samsung, Xiaomi…): Screenshot_20260903-143201.png,
# Screenshot_20260903-143201_Chrome.jpg, Screenshot_2026-09-03-14-32-01-123_com.android.chrome.jpg
_ANDROID = re.compile(
    r"screen_?shot[_ -]?(\d{4})-?(\d{2})-?(\d{2})[-_ ]?(\d{2})-?(\d{2})-?(\d{2})", re.IGNORECASE
)
# macOS (« Capture d'écran 2026-09-03 à 14.32.01 », « Screenshot 2026-09-03 at 2.32.01 PM »),
# Windows 11 (« Capture d'écran 2026-09-03 143210 »), GNOME (« Screenshot from 2026-09-03
# 14-32-01 », « Capture d'écran du 2026-09-03 14-32-01 »).
_DESKTOP = re.compile(
    r"(?:capture d.(?:e|é|e\u0301)cran|screen ?shot|bildschirmfoto|schermafbeelding)"
    r"(?: (?:du|from|vom|de))? (\d{4})-(\d{2})-(\d{2})"
    r"(?: (?:à|a|at|um|om))? (\d{1,2})[.:_-]?(\d{2})[.:_-]?(\d{2})(?:\s?([ap])\.?m\.?)?",
    re.IGNORECASE,
)
# Pixel camera photos (of a screen): PXL_20260903_123201123.jpg, in UTC.
_PIXEL = re.compile(r"PXL_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})", re.IGNORECASE)

CLOCK = re.compile(
    r"(?<![\d:/.])([01]?\d|2[0-3])\s?[:h]\s?([0-5]\d)(?![\d:])(?:\s?([AaPp])\.?[Mm]\b)?"
)
_NUMERIC_DATE = re.compile(r"(?<![\d/.])(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?!\d)")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("janvier", "january"),
            ("fevrier", "february"),
            ("mars", "march"),
            ("avril", "april"),
            ("mai", "may"),
            ("juin", "june"),
            ("juillet", "july"),
            ("aout", "august"),
            ("septembre", "september"),
            ("octobre", "october"),
            ("novembre", "november"),
            ("decembre", "december"),
        ),
        start=1,
    )
    for name in names
}
_LONG_DATE = re.compile(r"\b(\d{1,2})(?:er)? (" + "|".join(_MONTHS) + r") ((?:19|20)\d{2})\b")
# « © 2022 », « © 2019-2022 », « (c) 2022 », « Copyright 2022 » (OCR often reads © as @).
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|@|copyright)\s*(?:(?:19|20)\d{2}\s*[-–—]\s*)?((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clock:
    """A time of day shown on screen (a phone's status bar, a desktop's taskbar)."""

    hour: int
    minute: int

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    @property
    def minutes(self) -> int:
        return self.hour * 60 + self.minute


def from_filename(name: str) -> datetime | None:
    """The moment a device wrote in a screenshot's file name (naive local, or UTC for PXL_)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for pattern in (_ANDROID, _DESKTOP):
        match = pattern.search(base)
        if match:
            return _moment(match.groups())
    match = _PIXEL.search(base)
    if match:
        moment = _moment(match.groups())
        return moment.replace(tzinfo=UTC) if moment else None
    return None


def _moment(parts: tuple[str | None, ...]) -> datetime | None:
    year, month, day, hour, minute, second = (int(part or 0) for part in parts[:6])
    meridiem = (parts[6] or "").lower() if len(parts) > 6 else ""
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def clock_in(text: str) -> Clock | None:
    """The first time of day in a line of a status bar or taskbar."""
    match = CLOCK.search(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    meridiem = (match.group(3) or "").lower()
    if meridiem:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    return Clock(hour, minute)


def dates_in(folded: str) -> list[date]:
    """Every calendar date written on the page, day first (French order)."""
    found: list[date] = []
    for day, month, year in _NUMERIC_DATE.findall(folded):
        found += _date(int(year), int(month), int(day))
    for day, month, year in _LONG_DATE.findall(folded):
        found += _date(int(year), _MONTHS[month], int(day))
    return found


def _date(year: int, month: int, day: int) -> list[date]:
    try:
        return [date(year, month, day)]
    except ValueError:
        return []


def copyright_years(text: str) -> list[int]:
    return [int(year) for year in _COPYRIGHT.findall(text)]


def at_clock(day: date, clock: Clock) -> datetime:
    return datetime.combine(day, time(clock.hour, clock.minute))
