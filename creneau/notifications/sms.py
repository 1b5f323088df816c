"""SMS alerts: a person's number, written once; the organisation's provider at each send.

A person's SMS channel keeps ``sms:+33612345678`` and nothing else. At each send,
:func:`delivery_urls` turns it into the Apprise URL of the provider the person's organisation set
up (``transport.sms_url``) or, when it set none, of the operator's generic HTTP gateway
(``settings.SMS_GATEWAY_URL``, ``transport.gateway_sms_url``), in memory only: the account never
sits beside the number. A number is shown masked (:func:`masked`).
"""

import re
from collections.abc import Iterable

from django.conf import settings

from creneau.notifications import transport
from creneau.notifications.models import SmsSettings

PREFIX = "sms:"
_SEPARATORS = re.compile(r"[\s.\-()/]")
_E164 = re.compile(r"\+[1-9]\d{7,14}")
_FRENCH_MOBILE = re.compile(r"\+33[67]\d{8}")


def normalise(text: str) -> str:
    """A mobile number as E.164 (``+33612345678``), or "" when it cannot receive an SMS.

    French numbers may be written as people write them (06 12 34 56 78, 06.12.34.56.78,
    +33 6 12 34 56 78, +33 (0)6…, 0033 6…); others need their country code (+216 20 123 456,
    00 216 …). A French landline (01 to 05, 08, 09) receives no SMS.
    """
    compact = _SEPARATORS.sub("", text.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        compact = "+33" + compact[1:]
    if compact.startswith("+330"):
        compact = "+33" + compact[4:]
    if not _E164.fullmatch(compact):
        return ""
    if compact.startswith("+33") and not _FRENCH_MOBILE.fullmatch(compact):
        return ""
    return compact


def channel_url(number: str) -> str:
    return PREFIX + number


def number_of(url: str) -> str:
    return url[len(PREFIX) :] if url.startswith(PREFIX) else ""


def settings_for(organisation_id: int | None) -> SmsSettings | None:
    """The organisation's SMS account, when it has one switched on."""
    if organisation_id is None:
        return None
    return SmsSettings.objects.filter(organisation_id=organisation_id, enabled=True).first()


def available(organisation_id: int | None) -> bool:
    """Whether an SMS to a person of this organisation can leave at all."""
    return bool(settings.SMS_GATEWAY_URL) or settings_for(organisation_id) is not None


def masked(number: str) -> str:
    """``+336••••••78``: enough for the person to recognise their number, not to read it."""
    if len(number) < 8:
        return "•" * len(number)
    return number[:4] + "•" * (len(number) - 6) + number[-2:]


def delivery_urls(urls: Iterable[str], organisation_id: int | None) -> list[str]:
    """The Apprise URLs for a channel's lines: an SMS number goes through the organisation's
    provider, else the operator's gateway (nowhere when neither is set up); the other lines are
    already Apprise URLs."""
    found = []
    for url in urls:
        number = number_of(url)
        if not number:
            found.append(url)
        elif sent := sms_url(number, organisation_id):
            found.append(sent)
    return found


def sms_url(number: str, organisation_id: int | None) -> str:
    account = settings_for(organisation_id)
    if account is not None:
        return transport.sms_url(
            account.provider, account.login, account.secret, account.sender, number
        )
    if settings.SMS_GATEWAY_URL:
        return transport.gateway_sms_url(
            settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_SENDER, number
        )
    return ""
