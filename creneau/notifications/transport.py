"""The notification seam: the only module that imports Apprise.

``notify(urls, title, body)`` hands one message to every URL and says whether at least one
transport accepted it. It never raises for a remote failure (an unreachable SMTP server, a bad
token): the caller records the result.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import apprise
from django.conf import settings


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    error: str = ""


def is_valid(url: str) -> bool:
    """Apprise knows this URL's scheme and can parse it."""
    return bool(apprise.Apprise().add(url))


def notify(urls: Sequence[str], title: str, body: str) -> Delivery:
    sender = apprise.Apprise()
    accepted = [url for url in urls if sender.add(url)]
    if not accepted:
        return Delivery(False, "no valid notification URL")
    with apprise.LogCapture(level=logging.WARNING) as log:  # type: ignore[no-untyped-call]
        ok = bool(sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
        captured = log.getvalue().strip()
    return Delivery(ok, "" if ok else (captured.splitlines() or ["refused"])[-1][:500])


def mail_url(to: str) -> str:
    """An Apprise e-mail URL to ``to``: the deployment's ``NOTIFY_MAIL_URL`` when set, else
    plain SMTP to ``EMAIL_HOST:EMAIL_PORT`` (the local relay of the embedded mode)."""
    base = settings.NOTIFY_MAIL_URL or f"mailto://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    joiner = "&" if "?" in base else "?"
    query = {"to": to, "name": "Créneau"}
    if "from=" not in base:
        query["from"] = settings.DEFAULT_FROM_EMAIL
    return base + joiner + urlencode(query)
