"""Optional second factor: a TOTP authenticator app, with one-time recovery codes.

django-otp keeps the devices and their throttling; this module is the only place that decides
what a member's second factor is, so the views and the middleware stay small.
"""

import logging
import math
import time
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from creneau.accounts import backends
from creneau.accounts.models import Member
from creneau.lib import qr

log = logging.getLogger("creneau.accounts.twofactor")

RECOVERY_CODES = 10
PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300  # time allowed between the password and the code

AnyUser = AbstractBaseUser | AnonymousUser


def confirmed_totp(user: AnyUser) -> TOTPDevice | None:
    if user.pk is None:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def has_two_factor(user: AnyUser) -> bool:
    """Only a confirmed authenticator counts: an enrolment left half-way never locks anyone out."""
    return (
        user.pk is not None and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
    )


def required_for(user: AnyUser) -> bool:
    """One of the user's organisations requires every member to use a second factor."""
    if user.pk is None:
        return False
    return Member.objects.filter(user_id=user.pk, organisation__require_two_factor=True).exists()


def second_factor(user: AnyUser) -> tuple[bool, bool]:
    """(``has_two_factor``, ``required_for``) in one query: what every page asks of a member
    signed in without a second factor (TwoFactorMiddleware); none when the user came from
    ``backends.MemberBackend``, whose query already answered."""
    if user.pk is None:
        return False, False
    if hasattr(user, backends.HAS_TOTP):
        return bool(getattr(user, backends.HAS_TOTP)), bool(
            getattr(user, backends.TWO_FACTOR_REQUIRED)
        )
    confirmed = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    required = Member.objects.filter(user_id=OuterRef("pk"), organisation__require_two_factor=True)
    found = (
        User.objects.filter(pk=user.pk)
        .annotate(has=Exists(confirmed), required=Exists(required))
        .values_list("has", "required")
        .first()
    )
    return (bool(found[0]), bool(found[1])) if found else (False, False)


def start_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same secret if the page is reloaded)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_enrolment(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code; returns fresh recovery codes, or None."""
    with transaction.atomic():
        if verify_token(device.user, device.persistent_id, _digits(code)) is None:
            return None
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        # Only this field: verify_token saved the throttle and last-used step on its own copy.
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    log.info("two-factor enabled for user %s", device.user_id)
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes; they are shown once and only stored in clear here."""
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user: AnyUser) -> int:
    return int(StaticToken.objects.filter(device__user_id=user.pk).count())


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None  # the device that accepted the code, if any
    wait_seconds: int = 0  # above 0: not even tried, that device is throttled


def check_code(user: AnyUser, code: str) -> CodeCheck:
    """Try ``code``: six digits go to the authenticator, anything else to the recovery codes.

    Each device throttles itself (django-otp: a wait doubling after each failure), so a
    recovery code stays usable while the authenticator is throttled, and the other way round.
    """
    device: Device | None
    if len(_digits(code)) == 6 and _digits(code).isdigit():
        device, token = confirmed_totp(user), _digits(code)
    else:
        device = StaticDevice.objects.filter(user_id=user.pk, confirmed=True).first()
        token = recovery_token(code)
    if device is None:
        return CodeCheck(None)
    wait = wait_seconds(device)
    if wait:
        return CodeCheck(None, wait_seconds=wait)
    return CodeCheck(verify_token(user, device.persistent_id, token))


def wait_seconds(device: Device) -> int:
    """Seconds before ``device`` accepts another try after recent wrong codes (0: now)."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))  # type: ignore[no-any-return]


def remove(user: AnyUser) -> bool:
    """Remove the user's authenticator and recovery codes; False if there was none."""
    totp, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
    static, _ = StaticDevice.objects.filter(user_id=user.pk).delete()
    return bool(totp or static)


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, no script)."""
    return qr.svg(device.config_url, _("Code QR à scanner"))


def recovery_token(code: str) -> str:
    """Recovery codes are shown as ``abcd-efgh``; accept them with or without the dash or case."""
    return "".join(code.split()).replace("-", "").lower()


def _digits(code: str) -> str:
    return "".join(code.split())


# --- the state between the password step and the code step (in the session) ---


def remember_pending(session: SessionBase, user: AbstractBaseUser, next_url: str) -> None:
    session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "next": next_url,
        "at": int(time.time()),
    }


def pending(session: SessionBase) -> dict[str, Any] | None:
    """The password-checked login waiting for its code, unless it has expired."""
    data: dict[str, Any] | None = session.get(PENDING_KEY)
    if data is None:
        return None
    if time.time() - data["at"] > PENDING_SECONDS:
        del session[PENDING_KEY]
        return None
    return data
