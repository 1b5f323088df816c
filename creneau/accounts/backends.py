"""The account backend: Django's ModelBackend, whose per-request user query also answers what
every page asks of a signed-in member.

``get_user`` runs on every request of a signed-in member (the session names the user). In the
same query, three ``EXISTS`` say whether the member has a confirmed authenticator, whether one
of their organisations requires a second factor (TwoFactorMiddleware) and whether they
administer an organisation (the navigation's « Organisation » link): two queries fewer on every
page. A user loaded any other way has none of these attributes and the readers ask the
database as before (``twofactor.second_factor``, ``context_processors.organisation_admin``).
"""

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from creneau.accounts.models import Member

PATH = "creneau.accounts.backends.MemberBackend"
# Attributes of a user loaded by MemberBackend.get_user.
HAS_TOTP = "loaded_has_totp"
TWO_FACTOR_REQUIRED = "loaded_two_factor_required"
ADMINISTERS = "loaded_administers"


def with_page_flags(users: Any) -> Any:
    member = Member.objects.filter(user_id=OuterRef("pk"))
    return users.annotate(
        **{
            HAS_TOTP: Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)),
            TWO_FACTOR_REQUIRED: Exists(member.filter(organisation__require_two_factor=True)),
            ADMINISTERS: Exists(member.filter(role=Member.Role.ADMIN)),
        }
    )


@cache
def _users() -> Any:
    """Built once per process (building the three ``EXISTS`` cost ≈ 0.6 ms a request); each
    request filters a copy of it, never evaluated itself (no result is ever cached here)."""
    return with_page_flags(User._default_manager.all())


class MemberBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user: User = _users().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
