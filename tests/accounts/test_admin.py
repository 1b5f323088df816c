import pytest
from django.urls import reverse

from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def test_an_organisation_admin_sees_only_her_organisations_cases(personas, org_admin):
    own = make_case(personas.group)
    other = make_case(personas.other_group, family_name="Nguyen")
    client = personas.client_for(org_admin)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert own.reference in page and other.reference not in page
    assert client.get(reverse("admin:cases_case_change", args=[other.pk])).status_code == 302


def test_an_organisation_admin_manages_only_her_members(personas, org_admin):
    client = personas.client_for(org_admin)
    page = client.get(reverse("admin:accounts_member_changelist")).content.decode()
    assert "alice" in page and "charlie" not in page


def test_a_volunteer_without_staff_rights_cannot_open_the_admin(personas):
    response = personas.client_for(personas.alice).get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 302
