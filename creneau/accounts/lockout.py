"""Login throttling (django-axes) that holds behind a reverse proxy.

* :func:`client_address` — the client's real address: the last ``X-Forwarded-For`` hop when
  the request comes from the trusted proxy (``CRENEAU_TRUSTED_PROXY``; the proxy appends the
  address it saw, a client may forge anything before it), else the connecting address.
  ``creneau run`` also has waitress rewrite the address from that proxy, which gives the same.
* :class:`LockoutHandler` — five failures per account *and* address lock that pair (an
  attacker locks only themselves); failures per account from every address lock the account
  at a softer limit (``CRENEAU_LOGIN_ACCOUNT_FAILURE_LIMIT``), against guessing spread over
  many addresses.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxy = settings.TRUSTED_PROXY
    if proxy and remote == proxy:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if hops and hops[-1]:
            return str(hops[-1])
    return remote


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Lockout parameters are ``[["username", "ip_address"], "username"]`` (settings): the
    account-wide count is scaled so that the softer limit reaches the common failure limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        per_pair, per_account = [*counts, 0, 0][:2]
        limit, softer = settings.AXES_FAILURE_LIMIT, settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        return max(per_pair, per_account * limit // max(softer, 1))
