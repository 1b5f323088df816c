import errno
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from creneau.accounts import twofactor


class FirstRunMiddleware:
    """Send every page to the first-run form until the first account exists."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.ready = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.ready:
            self.ready = User.objects.exists()
            allowed = (reverse("first-run"), "/static/", "/i18n/")
            if not self.ready and not request.path.startswith(allowed):
                return redirect("first-run")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send the strict ``CONTENT_SECURITY_POLICY`` of the settings on every HTML response.

    The Django admin needs inline styles it generates; it gets a policy relaxed for styles only.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy: str = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith("/admin/"):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class TwoFactorMiddleware:
    """No product page for a session whose second factor is missing (after OTPMiddleware).

    The login view only logs in after the code (views.login_code); this is the backstop for
    every other way a session could become authenticated (the admin's own login form, a
    session opened before the member enabled the second factor): such a session is closed
    and sent back to the login. A member whose organisation requires a second factor and who
    has none yet can only reach the enrolment pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(reverse("portal-home")):
            return self.get_response(request)  # the person portal has no accounts
        if request.path == reverse("admin:login"):
            query = request.META.get("QUERY_STRING", "")
            return redirect(reverse("login") + (f"?{query}" if query else ""))
        user: Any = request.user  # OTPMiddleware gave it is_verified()
        if user.is_authenticated and not user.is_verified():
            has, required = twofactor.second_factor(user)
            if has:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if required and not request.path.startswith(_enrolment_paths()):
                messages.info(request, _("Votre organisation demande la double authentification."))
                return redirect("two-factor-enable")
        return self.get_response(request)


def _enrolment_paths() -> tuple[str, ...]:
    return (reverse("account-security"), reverse("logout"), "/static/", "/i18n/")


# Errors of the machine, not of the request: a database locked or failing, a full disk.
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS})
# Fields never written back into a page (a password, a one-time code, the CSRF token).
SECRET_FIELDS = ("password", "code", "csrfmiddlewaretoken", "token")


class TroubleMiddleware:
    """Say the truth when the database or the disk fails under a request: what was sent was
    not saved (the view's transaction rolled back), what was saved before still is; and give
    the form's fields back, ready to send again (files cannot be kept). Status 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        reason = trouble_reason(exception)
        if reason is None:
            return None
        sent = request.method == "POST"
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if not any(secret in name.lower() for secret in SECRET_FIELDS)
            for value in values
        ]
        context = {
            "reason": reason,
            "sent": sent,
            "fields": fields if sent else [],
            "files": bool(request.FILES) if sent else False,
            "path": request.get_full_path(),
        }
        return render(request, "errors/unsaved.html", context, status=503)


def trouble_reason(exception: BaseException) -> str | None:
    """The failure in words, or None when it is not a failure of the machine."""
    if isinstance(exception, OperationalError):
        text = str(exception).lower()
        if "locked" in text or "busy" in text:
            return _("La base de données était occupée par une autre opération.")
        if "full" in text or "disk" in text:
            return _("Le disque du serveur est plein ou en panne.")
        return _("La base de données ne répond pas.")
    for cause in (exception, exception.__cause__):
        if isinstance(cause, OSError) and cause.errno in DISK_ERRORS:
            return _("Le disque du serveur est plein ou en panne.")
    return None
