import re

import pytest
from django.contrib.auth.models import User
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


def test_the_admin_names_creneaus_apps_in_french(personas):
    operator = User.objects.create_superuser("operateur", password="un long mot de passe ici")
    page = personas.client_for(operator).get(reverse("admin:index")).content.decode()
    apps = set(re.findall(r'class="section"[^>]*>([^<]+)</a>', page))
    assert {"Dossiers", "Comptes et organisations", "Surveillance des pages"} <= apps, apps
    assert not apps & {"Cases", "Accounts", "Correspondence", "Watch", "Catalog", "Scheduling"}
    assert {"Tentatives de connexion", "Double authentification : applications"} <= apps, apps
    assert not apps & {"Axes", "Otp_Totp", "Otp_Static", "Tasks Database Backend"}


def test_an_admin_added_in_the_app_cannot_open_the_django_admin(personas):
    """Organisation admins work in the app (« Organisation » in the menu); the Django admin is
    the operator's."""
    admin_client = personas.client_for(personas.alice)
    member = personas.alice.memberships.get()
    member.role = "admin"
    member.save()
    diane = admin_client.post(
        reverse("organisation-add-member", args=[personas.group.slug]),
        {"username": "nadia", "role": "admin"},
    )
    assert diane.status_code == 200
    nadia = User.objects.get(username="nadia")
    assert not nadia.is_staff
    assert personas.client_for(nadia).get(reverse("admin:index")).status_code == 302
