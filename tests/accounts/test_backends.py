"""MemberBackend: the per-request user query also answers the second-factor and admin
questions every page asks; its answers are the database's at each request."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from creneau.accounts import backends, twofactor
from creneau.accounts.models import Member, organisations_of
from tests.accounts.test_totp import code
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def answers_apart(user: User) -> tuple[bool, bool, bool]:
    administers = organisations_of(user, role=Member.Role.ADMIN).exists()
    return twofactor.has_two_factor(user), twofactor.required_for(user), administers


def test_the_user_query_answers_each_question_as_asked_apart(personas):
    admin = make_member("olga", personas.group, role=Member.Role.ADMIN)
    personas.other_group.require_two_factor = True
    personas.other_group.save()
    device = twofactor.start_enrolment(personas.bob)
    twofactor.confirm_enrolment(device, code(device))
    twofactor.start_enrolment(personas.alice)  # half-way: counts for nothing
    for user in (personas.alice, personas.bob, personas.charlie, admin):
        loaded = backends.MemberBackend().get_user(user.pk)
        assert loaded is not None
        flags = (
            getattr(loaded, backends.HAS_TOTP),
            getattr(loaded, backends.TWO_FACTOR_REQUIRED),
            getattr(loaded, backends.ADMINISTERS),
        )
        assert flags == answers_apart(user)
        assert twofactor.second_factor(loaded) == twofactor.second_factor(user)


def test_an_inactive_or_unknown_user_is_nobody(personas):
    User.objects.filter(pk=personas.alice.pk).update(is_active=False)
    assert backends.MemberBackend().get_user(personas.alice.pk) is None
    assert backends.MemberBackend().get_user(10**9) is None


def test_the_navigation_follows_a_role_change_at_the_next_page(personas):
    client = personas.client_for(personas.alice)
    link = f'href="{reverse("organisation-home")}"'
    assert link not in client.get(reverse("case-list")).content.decode()
    Member.objects.filter(user=personas.alice).update(role=Member.Role.ADMIN)
    assert link in client.get(reverse("case-list")).content.decode()
    Member.objects.filter(user=personas.alice).update(role=Member.Role.VOLUNTEER)
    assert link not in client.get(reverse("case-list")).content.decode()


def test_a_second_factor_required_after_sign_in_applies_at_the_next_page(personas):
    client = personas.client_for(personas.alice)
    assert client.get(reverse("case-list")).status_code == 200
    personas.group.require_two_factor = True
    personas.group.save()
    assert client.get(reverse("case-list"))["Location"] == reverse("two-factor-enable")
