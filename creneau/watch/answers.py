"""JSON answers of booking systems' own APIs (what their calendars load), read as pages.

Only shapes whose meaning is known count, and only at the address that gives them that meaning:

- ClicRDV ``/api/v2/availabletimeslots``: ``{"availabletimeslots": [...]}``, empty = no slot
  (a public bot alerts when it is not empty: booking-systems.md §6);
- Qmatic web booking ``…/qmaticwebbooking/rest/schedule/branches/<id>/dates;…``: a list of
  dates, empty = no date at all. The ``…/dates/<date>/times`` answer speaks for one day only:
  empty, it proves nothing for the page.

Anything else is left to the page judges (its text is the page's text).
"""

import json
from dataclasses import dataclass

from creneau.watch import signals as s

_MAX_LISTED = 20


@dataclass(frozen=True)
class Answer:
    system: str
    empty: bool  # the answer lists nothing to book
    matched: str
    slots: tuple[str, ...] = ()


def read_answer(body: str, url: str, system: str) -> Answer | None:
    """The meaning of a JSON body at ``url``, or None when its shape or address is not known."""
    stripped = body.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    if system == s.CLICRDV or "availabletimeslots" in url.lower():
        return _clicrdv(data)
    if system == s.QMATIC and "/rest/schedule/" in url.lower():
        return _qmatic(data, url.lower())
    return None


def _clicrdv(data: object) -> Answer | None:
    if not isinstance(data, dict):
        return None
    key = next((k for k in data if k.lower() == "availabletimeslots"), None)
    slots = data.get(key) if key is not None else None
    if not isinstance(slots, list):
        return None
    starts = tuple(_label(item, ("start", "starts_at", "date")) for item in slots[:_MAX_LISTED])
    return Answer(s.CLICRDV, not slots, f'"{key}": {json.dumps(slots[:1])}', starts)


def _qmatic(data: object, url: str) -> Answer | None:
    if not isinstance(data, list):
        return None
    path = url.split("?", 1)[0].split(";", 1)[0].rstrip("/")
    if not path.endswith("/dates"):
        return None  # the times of one date: an empty list speaks for that day only
    dates = tuple(_label(item, ("date",)) for item in data[:_MAX_LISTED])
    return Answer(s.QMATIC, not data, json.dumps(data[:1]), dates)


def _label(item: object, keys: tuple[str, ...]) -> str:
    if isinstance(item, dict):
        return next((str(item[key]) for key in keys if key in item), json.dumps(item)[:80])
    return str(item)[:80]
