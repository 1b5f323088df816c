from collections.abc import Callable

from django.http import HttpRequest

from creneau.accounts import backends
from creneau.accounts.languages import person_page
from creneau.accounts.models import Member, organisations_of


def organisation_admin(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """``administers``: whether the member administers an organisation (asked only when a
    template reads it, e.g. the navigation of a logged-in member; known without a query when
    the user came from ``backends.MemberBackend``)."""

    def administers() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if hasattr(user, backends.ADMINISTERS):
            return bool(getattr(user, backends.ADMINISTERS))
        return organisations_of(user, role=Member.Role.ADMIN).exists()

    return {"administers": administers}


def language_switch(request: HttpRequest) -> dict[str, bool]:
    """``language_switch``: whether the page offers the language switch (the person's pages
    only; the volunteers' pages are in French)."""
    return {"language_switch": person_page(request.path_info)}
