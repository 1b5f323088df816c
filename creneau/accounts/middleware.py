from collections.abc import Callable

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
