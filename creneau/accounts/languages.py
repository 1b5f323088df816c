"""Which language a page speaks: chosen by page, never by cookie alone.

The person's pages (``PERSON_PAGES`` in the settings: the portal, the assisted attempt) speak
the language the person chose — French, English, Arabic or Spanish — and offer the switch.
Every other page is the association's working tool (desk, cases, correspondence, court,
organisation, accounts, admin): it is in French, left to right, whatever the browser or a
language cookie asks, like the legal documents it produces.
"""

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def person_page(path: str) -> bool:
    """Whether ``path`` is one of the person's pages (which speak their language)."""
    return path.startswith(tuple(settings.PERSON_PAGES))


class PageLanguageMiddleware(LocaleMiddleware):
    """Django's choice (cookie, then browser) on the person's pages; French everywhere else."""

    def process_request(self, request: HttpRequest) -> None:
        if person_page(request.path_info):
            super().process_request(request)
            return
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if person_page(request.path_info):
            response = super().process_response(request, response)
        else:
            response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        # The page is rendered: the thread goes back to French, so nothing that runs on it
        # later (the next request's early code, a task run in process) speaks this page's
        # language by accident.
        translation.deactivate()
        return response
