"""The language is chosen by page: the person's pages speak the person's language (with the
switch), every other page — the volunteers' working tool — is in French, left to right."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from creneau.accounts.languages import person_page
from creneau.portal import access
from tests.conftest import make_case
from tests.portal.conftest import open_portal

pytestmark = pytest.mark.django_db

SWITCH = 'id="language"'


def language_of(response) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', response.content.decode())
    assert found, response.content[:300]
    return found[1], found[2]


def asking_for_arabic(client: Client) -> Client:
    """A browser whose language is Arabic, with a language cookie set to Arabic."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ar"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    return client


def test_the_volunteers_pages_are_french_whatever_the_browser_asks(personas):
    case = make_case(personas.group)
    volunteer = asking_for_arabic(personas.client_for(personas.alice))
    stranger = asking_for_arabic(Client())
    pages = {
        "dashboard": volunteer.get("/tableau-de-bord/"),
        "cases": volunteer.get("/dossiers/"),
        "case": volunteer.get(f"/dossiers/{case.reference}/"),
        "security": volunteer.get("/compte/securite/"),
        "login": stranger.get("/connexion/"),
        "404": stranger.get("/cette/page/nexiste/pas/"),
    }
    assert {n: r.status_code for n, r in pages.items()} == {
        n: 404 if n == "404" else 200 for n in pages
    }
    assert {n: language_of(r) for n, r in pages.items()} == dict.fromkeys(pages, ("fr", "ltr"))
    assert [n for n, r in pages.items() if SWITCH in r.content.decode()] == []
    assert {r["Content-Language"] for r in pages.values()} == {"fr"}
    assert "Tableau de bord" in pages["dashboard"].content.decode()


def test_the_persons_choice_survives_a_volunteer_in_the_same_browser(personas):
    """GIVEN a person who chose Arabic WHEN a volunteer then works in the same browser THEN the
    volunteer's pages are French AND the portal is still Arabic, with its switch."""
    case = make_case(personas.group)
    case.person.preferred_language = "ar"
    case.person.save()
    browser = open_portal(access.issue(case.person, None, None).token)
    portal = f"/p/dossier/{case.reference}/"
    assert language_of(browser.get(portal)) == ("ar", "rtl")

    browser.force_login(personas.alice)
    assert language_of(browser.get("/tableau-de-bord/")) == ("fr", "ltr")
    assert language_of(browser.get(f"/dossiers/{case.reference}/")) == ("fr", "ltr")

    again = browser.get(portal)
    assert language_of(again) == ("ar", "rtl") and SWITCH in again.content.decode()


def test_a_volunteers_browser_speaks_the_persons_language_on_the_portal(personas):
    """Vice versa: the person opens their link where a volunteer worked (in a browser asking
    for French) and gets their own language; switching it does not touch the volunteer's."""
    case = make_case(personas.group)
    case.person.preferred_language = "ar"
    case.person.save()
    browser = personas.client_for(personas.alice)
    browser.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    assert language_of(browser.get("/tableau-de-bord/")) == ("fr", "ltr")

    browser.get(f"/p/{access.issue(case.person, None, None).token}/")
    portal = f"/p/dossier/{case.reference}/"
    assert language_of(browser.get(portal)) == ("ar", "rtl")
    browser.post(reverse("set_language"), {"language": "es", "next": portal})
    assert language_of(browser.get(portal)) == ("es", "ltr")
    assert language_of(browser.get("/tableau-de-bord/")) == ("fr", "ltr")


def test_the_person_pages_are_the_portal_and_the_assisted_attempt():
    person = [reverse("portal-home"), reverse("portal-alerts"), reverse("portal-open", args=["t"])]
    person += [reverse("assisted", args=["t"]), reverse("portal-case", args=["R"])]
    volunteer = [reverse("login"), reverse("dashboard"), reverse("case-list")]
    volunteer += [reverse("personal-link-create", args=["R"]), reverse("set_language")]
    assert [p for p in person if not person_page(p)] == []
    assert [p for p in volunteer if person_page(p)] == []


def test_a_page_in_arabic_leaves_the_thread_in_french(personas):
    """What runs on the thread after a person's page (a task in process, the next request's
    early code) is not in that page's language by accident."""
    case = make_case(personas.group)
    browser = asking_for_arabic(open_portal(access.issue(case.person, None, None).token))

    page = browser.get(f"/p/dossier/{case.reference}/")

    assert language_of(page) == ("ar", "rtl")
    assert translation.get_language() == settings.LANGUAGE_CODE
