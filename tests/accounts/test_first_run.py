import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from creneau.accounts.models import Member

pytestmark = pytest.mark.django_db


def test_a_fresh_install_leads_to_the_first_run_form():
    response = Client().get(reverse("case-list"))
    assert response.status_code == 302 and response["Location"] == reverse("first-run")


def test_the_first_run_creates_the_organisation_and_its_admin():
    client = Client()
    response = client.post(
        reverse("first-run"),
        {
            "organisation": "Cimade — groupe de Saint-Denis",
            "username": "claire",
            "email": "claire@example.org",
            "password1": "une phrase de passe assez longue",
            "password2": "une phrase de passe assez longue",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.role == "admin" and member.user.username == "claire"
    assert member.organisation.slug == "cimade-groupe-de-saint-denis"
    assert client.get(reverse("case-list")).status_code == 200


def test_the_first_run_form_explains_mismatched_passwords_in_french():
    response = Client().post(
        reverse("first-run"),
        {"organisation": "X", "username": "c", "password1": "abcdefgh12!", "password2": "zz"},
    )
    assert "Les deux mots de passe ne correspondent pas." in response.content.decode()
    assert not User.objects.exists()


def test_the_first_run_form_is_gone_once_an_account_exists(personas):
    assert Client().get(reverse("first-run")).status_code == 404
