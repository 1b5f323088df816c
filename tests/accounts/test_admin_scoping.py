"""An organisation admin acts on her own organisation only, and cannot learn about the others.

The attack of issue 24: as org B's admin, add org A's volunteer as a member of B (ids were
enumerable: an unknown id and another organisation's id answered differently), then « Désactiver
la double authentification » on that member; or add the operator (superuser) to B.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from creneau.accounts.models import Member
from creneau.catalog.models import BookingPage
from tests.conftest import make_case, make_member

pytestmark = pytest.mark.django_db
ADD_MEMBER = "admin:accounts_member_add"


@pytest.fixture
def admin_b(personas):
    """Erin, administrator (and staff) of the other organisation (LDH Lyon)."""
    user = make_member("erin", personas.other_group, role=Member.Role.ADMIN)
    user.is_staff = True
    user.save()
    return user


def enrol(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def add_member(client, organisation, user_id):
    return client.post(
        reverse(ADD_MEMBER),
        {"user": user_id, "organisation": organisation.pk, "role": "volunteer"},
    )


def test_an_admin_cannot_add_another_organisations_volunteer_to_hers(personas, admin_b):
    client = personas.client_for(admin_b)

    response = add_member(client, personas.other_group, personas.alice.pk)

    assert response.status_code == 200  # the form again, with an error
    assert not Member.objects.filter(user=personas.alice, organisation=personas.other_group)


def test_another_organisations_user_id_answers_exactly_like_an_unknown_id(personas, admin_b):
    client = personas.client_for(admin_b)
    unknown = User.objects.order_by("-pk").first().pk + 1000

    taken = add_member(client, personas.other_group, personas.alice.pk).content.decode()
    missing = add_member(client, personas.other_group, unknown).content.decode()

    def errors(page: str) -> str:
        return page[page.index('class="errorlist') :][:300] if "errorlist" in page else ""

    assert errors(taken) and errors(taken).replace(str(personas.alice.pk), "ID") == errors(
        missing
    ).replace(str(unknown), "ID")
    assert "alice" not in taken


def test_an_admin_cannot_add_the_operator_to_her_organisation(personas, admin_b):
    operator = User.objects.create_superuser("root", password="x" * 20)
    client = personas.client_for(admin_b)

    add_member(client, personas.other_group, operator.pk)

    assert not Member.objects.filter(user=operator).exists()


def test_the_user_choices_list_only_her_organisations_members(personas, admin_b):
    page = personas.client_for(admin_b).get(reverse(ADD_MEMBER)).content.decode()

    assert "charlie" in page or "autocomplete" in page
    assert "alice" not in page and "bob" not in page


def test_a_second_factor_is_not_reset_by_an_admin_who_does_not_administer_every_organisation_of_the_member(  # noqa: E501
    personas, admin_b
):
    """Alice also volunteers for org B (added by the operator): B's admin must not lower the
    protection of org A's cases by removing her second factor."""
    device = enrol(personas.alice)
    shared = Member.objects.create(user=personas.alice, organisation=personas.other_group)
    client = personas.client_for(admin_b)

    client.post(
        reverse("admin:accounts_member_changelist"),
        {"action": "reset_two_factor", "_selected_action": [shared.pk]},
    )

    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_member_cannot_be_moved_to_another_user_or_organisation(personas, org_admin):
    """A membership row is never re-pointed by an organisation admin, only created or
    removed: user and organisation are read-only once it exists."""
    member = Member.objects.get(user=personas.bob)
    client = personas.client_for(org_admin)

    client.post(
        reverse("admin:accounts_member_change", args=[member.pk]),
        {"user": personas.charlie.pk, "organisation": personas.other_group.pk, "role": "admin"},
    )

    member.refresh_from_db()
    assert (member.user, member.organisation) == (personas.bob, personas.group)


def test_the_case_form_lists_only_the_booking_pages_of_her_organisation(personas, org_admin):
    mine = BookingPage.objects.create(url="https://www.rdv.93.gouv.fr/booking/create/1")
    theirs = BookingPage.objects.create(url="https://rdv.69.gouv.fr/booking/create/secret-lyon")
    case = make_case(personas.group, booking_page=mine)
    make_case(personas.other_group, booking_page=theirs)

    page = personas.client_for(org_admin).get(reverse("admin:cases_case_change", args=[case.pk]))

    assert mine.url in page.content.decode()
    assert "secret-lyon" not in page.content.decode()


def test_a_case_cannot_be_moved_to_another_organisation_by_an_organisation_admin(
    personas, org_admin
):
    Member.objects.create(user=org_admin, organisation=personas.other_group, role="admin")
    case = make_case(personas.group)
    client = personas.client_for(org_admin)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    assert 'name="organisation"' not in page


def test_booking_pages_and_generic_sites_are_the_operators_only(personas, org_admin):
    client = personas.client_for(org_admin)

    for name in ("admin:catalog_bookingpage_changelist", "admin:watch_genericsiteconfig_add"):
        assert client.get(reverse(name)).status_code in {302, 403}
