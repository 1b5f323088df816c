from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


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
