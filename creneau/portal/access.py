"""Personal links: issue, revoke, and the portal session they open.

A link carries a random token; only its SHA-256 is stored. Opening the link puts the link's id
in a fresh session; every later request checks that the link is still active, so revoking a
link (or its expiry) closes every session it opened, at once.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils import timezone

from creneau.cases.models import Person
from creneau.portal.models import PersonalLink

SESSION_KEY = "creneau.portal.link"


@dataclass(frozen=True)
class IssuedLink:
    link: PersonalLink
    token: str  # shown once to the volunteer, never stored


def token_hash(token: str) -> str:
    # The token has 192 random bits: a plain hash is enough, no salt or slow hash needed.
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    person: Person, user: AbstractBaseUser | AnonymousUser | None, expires_at: datetime | None
) -> IssuedLink:
    token = secrets.token_urlsafe(24)
    link = PersonalLink.objects.create(
        person=person,
        token_hash=token_hash(token),
        created_by=user if isinstance(user, User) else None,
        expires_at=expires_at,
    )
    return IssuedLink(link=link, token=token)


def revoke(link: PersonalLink) -> None:
    PersonalLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def open_session(request: HttpRequest, token: str) -> PersonalLink | None:
    """Start a portal session for the link's person, or None for an unknown or dead link."""
    link = PersonalLink.objects.active().filter(token_hash=token_hash(token)).first()
    if link is None:
        return None
    request.session.cycle_key()  # a new session id: nobody can plant one beforehand
    request.session[SESSION_KEY] = link.pk
    PersonalLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link


def current_link(request: HttpRequest) -> PersonalLink | None:
    """The session's link while it is still active; a dead link is dropped from the session."""
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    link = PersonalLink.objects.active().select_related("person").filter(pk=pk).first()
    if link is None:
        del request.session[SESSION_KEY]
    return link


def close_session(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
