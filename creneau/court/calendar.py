"""The deadlines as an iCalendar file (RFC 5545): all-day events, French summaries.

Written by hand (no calendar library is a dependency): CRLF line ends, lines folded at 75
octets, text values escaped, one stable UID per deadline so a re-import updates, not duplicates.
"""

import datetime
from collections.abc import Sequence

from creneau.court.followups import Deadline

PRODID = "-//Creneau//Echeances du tribunal//FR"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets; continuation lines start with one space (RFC 5545 §3.1)."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return [out[0], *(" " + rest for rest in out[1:])]


def ics(
    reference: str, found: Sequence[Deadline], now: datetime.datetime, host: str = "creneau"
) -> str:
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    for deadline in found:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{reference}-{deadline.event_id}-{deadline.key}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{deadline.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{deadline.due + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{deadline.title} — dossier {reference}')}",
            f"DESCRIPTION:{_escape(deadline.detail)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in _fold(line))
