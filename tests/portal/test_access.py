"""Personal links: the person sees their own case(s) and nothing else, until revoked."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from creneau.accounts.models import AuditEvent
from creneau.portal import access
from creneau.portal.models import PersonalLink
from tests.conftest import make_case
from tests.portal.conftest import open_portal, reveals

pytestmark = pytest.mark.django_db


def test_the_link_opens_the_persons_case_and_forgets_the_token_in_the_address(
    alice_case, link_token
):
    client = Client()
    response = client.get(f"/p/{link_token}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/p/dossier/{alice_case.reference}/"
    assert response.status_code == 200
    assert reveals(response, alice_case)
    assert link_token not in response.content.decode()


def test_only_the_hash_of_the_token_is_stored(link_token):
    link = PersonalLink.objects.get()
    assert link.token_hash == access.token_hash(link_token)
    assert link_token not in str(PersonalLink.objects.values().get())


def test_the_person_never_sees_another_case_of_the_same_organisation(personas, alice_case, person):
    neighbour = make_case(personas.group, family_name="Haddad")
    response = person.get(f"/p/dossier/{neighbour.reference}/")
    assert response.status_code == 404
    assert person.get(f"/p/dossier/{neighbour.reference}/capture/").status_code == 404


def test_a_person_with_two_cases_sees_both_and_only_them(personas, alice_case):
    second = make_case(personas.group, person=alice_case.person, procedure_kind="other")
    make_case(personas.group, family_name="Haddad")
    client = open_portal(access.issue(alice_case.person, None, None).token)
    page = client.get("/p/").content.decode()
    assert alice_case.reference in page and second.reference in page
    assert page.count("/p/dossier/") == 2


def test_a_forged_or_unknown_token_opens_nothing(alice_case):
    response = Client().get("/p/not-a-real-token-at-all-1234567890/")
    assert response.status_code == 403
    assert not reveals(response, alice_case)


def test_without_a_link_the_portal_shows_nothing(alice_case, personas):
    volunteer = personas.client_for(personas.alice)  # a volunteer's session is not a person's
    for client in (Client(), volunteer):
        response = client.get(f"/p/dossier/{alice_case.reference}/")
        assert response.status_code == 403
        assert not reveals(response, alice_case)


def test_revoking_a_link_ends_the_sessions_it_opened(alice_case, person):
    assert person.get(f"/p/dossier/{alice_case.reference}/").status_code == 200
    access.revoke(PersonalLink.objects.get())
    response = person.get(f"/p/dossier/{alice_case.reference}/")
    assert response.status_code == 403
    assert not reveals(response, alice_case)


def test_a_revoked_link_cannot_be_opened_again(alice_case, link_token):
    access.revoke(PersonalLink.objects.get())
    assert Client().get(f"/p/{link_token}/").status_code == 403


def test_an_expired_link_opens_nothing_and_ends_its_sessions(alice_case):
    issued = access.issue(alice_case.person, None, timezone.now() + timedelta(hours=1))
    client = open_portal(issued.token)
    PersonalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/p/dossier/{alice_case.reference}/").status_code == 403
    assert Client().get(f"/p/{issued.token}/").status_code == 403


def test_leaving_the_portal_closes_the_session(alice_case, person):
    assert person.post("/p/sortir/").status_code == 200
    assert person.get(f"/p/dossier/{alice_case.reference}/").status_code == 403


def test_the_first_visit_speaks_the_persons_preferred_language(alice_case):
    alice_case.person.preferred_language = "ar"
    alice_case.person.save()
    client = Client()
    client.get(f"/p/{access.issue(alice_case.person, None, None).token}/")
    page = client.get(f"/p/dossier/{alice_case.reference}/").content.decode()
    assert 'lang="ar" dir="rtl"' in page


def test_a_volunteer_creates_a_link_that_is_shown_once_and_opens_the_portal(personas, alice_case):
    alice = personas.client_for(personas.alice)
    response = alice.post(f"/dossiers/{alice_case.reference}/lien-personnel/", {"expires_in": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    url = response.context["url"]
    assert url.startswith("http://testserver/p/")
    link = PersonalLink.objects.get()
    assert link.created_by == personas.alice
    assert timedelta(days=29) < link.expires_at - timezone.now() <= timedelta(days=30)
    assert Client().get(url.removeprefix("http://testserver")).status_code == 302
    assert AuditEvent.objects.filter(detail="lien personnel", user=personas.alice).exists()

    case_page = alice.get(f"/dossiers/{alice_case.reference}/").content.decode()
    assert "Accès de la personne" in case_page and "Révoquer" in case_page
    assert url not in case_page  # never shown again


def test_a_colleague_revokes_the_link_from_the_case_page(personas, alice_case, person):
    bob = personas.client_for(personas.bob)
    link = PersonalLink.objects.get()
    response = bob.post(f"/dossiers/{alice_case.reference}/lien-personnel/{link.pk}/revoquer/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert person.get("/p/").status_code == 403


def test_an_outsider_volunteer_can_neither_create_nor_revoke_a_link(personas, alice_case):
    charlie = personas.client_for(personas.charlie)
    created = charlie.post(f"/dossiers/{alice_case.reference}/lien-personnel/", {})
    assert created.status_code == 404
    link = access.issue(alice_case.person, None, None).link
    revoked = charlie.post(f"/dossiers/{alice_case.reference}/lien-personnel/{link.pk}/revoquer/")
    assert revoked.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None and PersonalLink.objects.count() == 1


def test_a_link_of_another_case_cannot_be_revoked_through_this_one(personas, alice_case):
    other = make_case(personas.group, family_name="Haddad")
    link = access.issue(other.person, None, None).link
    alice = personas.client_for(personas.alice)
    response = alice.post(f"/dossiers/{alice_case.reference}/lien-personnel/{link.pk}/revoquer/")
    assert response.status_code == 404


def test_the_persons_visits_are_in_the_access_log(alice_case, person):
    person.get(f"/p/dossier/{alice_case.reference}/")
    event = AuditEvent.objects.get(case_reference=alice_case.reference)
    assert event.action == "view" and event.actor == "la personne (lien personnel)"


def test_the_link_page_offers_a_qr_code_a_copy_button_and_a_message_in_the_persons_language(
    personas, alice_case
):
    """GIVEN a person who reads Arabic WHEN the volunteer creates their link THEN the page draws
    the link as a QR code, offers to copy it, and the e-mail it prepares is in Arabic (before,
    in the volunteer's French)."""
    alice_case.person.preferred_language = "ar"
    alice_case.person.email = "aminata@personne.example"
    alice_case.person.save()
    alice = personas.client_for(personas.alice)

    response = alice.post(f"/dossiers/{alice_case.reference}/lien-personnel/", {})

    page = response.content.decode()
    url = response.context["url"]
    assert re.search(r'<svg [^>]*class="qr" role="img">', page)
    assert "<title>Code QR du lien personnel</title>" in page
    assert 'data-copy="personal-link"' in page and "portal/copy.js" in page
    mailto = re.search(r'href="(mailto:[^"]+)"', page).group(1)
    query = parse_qs(urlsplit(html.unescape(mailto)).query)
    assert query["subject"] == ["ملفكم في Créneau"]
    assert query["body"] == [f"هذا رابطكم الشخصي لمتابعة ملفكم: {url}"]
