"""The public observatory: private until every organisation agrees, cacheable, no script, the
same figures in the pages, the downloads and the API; members' pages behind their login."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from creneau.accounts.models import Member, Organisation
from creneau.cases.models import Case
from creneau.observatory import checks, publication
from creneau.observatory.models import AvailabilityExhibit, Publication
from tests.conftest import make_case

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, 9, 5, tzinfo=PARIS)


@pytest.fixture
def counted(page):
    """GIVEN two days of checks: Monday 9 h with slots once in four, Tuesday without any."""
    for minutes, outcome in enumerate(["no_slot", "slots_available", "no_slot", "error"]):
        checks.count(page, outcome, MONDAY + timedelta(minutes=12 * minutes))
    for minutes in range(3):
        checks.count(page, "no_slot", MONDAY + timedelta(days=1, minutes=20 * minutes))
    return page


def everyone_agrees() -> None:
    for organisation in Organisation.objects.all():
        publication.set_public(organisation, True, None)


def test_nothing_of_this_installation_is_public_until_every_organisation_agrees(counted, personas):
    client = Client()
    assert "Aucun relevé publié" in client.get("/observatoire/").content.decode()
    publication.set_public(personas.group, True, None)
    assert not publication.installation_public()
    assert client.get("/observatoire/donnees/observatoire.json").json()["pages"] == []
    assert client.get("/observatoire/donnees/observatoire-signe.json").status_code == 404

    publication.set_public(personas.other_group, True, None)

    found = client.get("/observatoire/donnees/observatoire.json").json()
    assert [(p["checks"], p["with_slots"]) for p in found["pages"]] == [(7, 1)]


def test_public_pages_are_cacheable_script_free_and_say_the_figures(counted, personas):
    everyone_agrees()
    client = Client()
    home = client.get("/observatoire/")
    body = home.content.decode()

    assert home["Cache-Control"] == "public, max-age=600"
    assert not home.cookies  # a visitor without cookies gets the one shared variant
    assert "<script" not in body and "style=" not in body
    assert "<strong>7</strong> relevés" in body and "14,3\u00a0%" in body
    assert "Préfecture de la Seine-Saint-Denis" in body
    detail = client.get("/observatoire/93/prefecture-de-la-seine-saint-denis/")
    text = detail.content.decode()
    assert detail.status_code == 200 and text.count("<svg") == 3
    assert "Relevés par heure de la journée" in text and "<script" not in text
    assert client.get("/observatoire/93/nulle-part/").status_code == 404


def test_the_table_sorts_on_the_server_without_script(counted, personas):
    everyone_agrees()
    body = Client().get("/observatoire/?tri=releves&ordre=asc").content.decode()
    assert 'aria-sort="ascending"' in body and "?tri=releves&amp;ordre=desc" in body


def test_the_csv_the_json_and_the_api_agree(counted, personas):
    everyone_agrees()
    client = Client()
    found = client.get("/observatoire/donnees/observatoire.json").json()
    page = found["pages"][0]
    assert [(d["day"], d["checks"], d["with_slots"]) for d in page["by_day"]] == [
        ("2026-03-02", 4, 1),
        ("2026-03-03", 3, 0),
    ]
    assert page["share_with_slots"] == 0.1429 and page["outcomes"]["error"] == 1
    lines = client.get("/observatoire/donnees/jours.csv").content.decode().splitlines()
    assert lines[0].startswith("source,page,url,system,department,prefecture,procedure,day")
    assert lines[1].split(",")[7:11] == ["2026-03-02", "4", "1", "0.2500"]
    listing = client.get("/observatoire/api/v1/prefectures.json").json()["prefectures"]
    assert [(p["key"], p["checks"]) for p in listing] == [
        ("93/prefecture-de-la-seine-saint-denis", 7)
    ]
    one = client.get("/observatoire/api/v1/prefectures/93/prefecture-de-la-seine-saint-denis.json")
    assert one.json()["prefecture"]["by_day"] == found["prefectures"][0]["by_day"]
    api_page = client.get(f"/observatoire/api/v1/pages/local/{page['key']}.json").json()["page"]
    assert api_page == page
    assert (
        client.get("/observatoire/api/v1/prefectures.json?since=2026-03-03").json()["prefectures"][
            0
        ]["checks"]
        == 3
    )
    assert one["Access-Control-Allow-Origin"] == "*"


def test_the_published_address_keeps_no_query_string(counted, personas):
    everyone_agrees()
    found = Client().get("/observatoire/donnees/observatoire.json").json()
    assert found["pages"][0]["url"] == "https://rdv.seine-saint-denis.example/prendre_rdv"


def test_an_organisation_admin_chooses_and_a_volunteer_cannot(counted, personas):
    Member.objects.filter(user=personas.alice).update(role="admin")
    alice, bob = personas.client_for(personas.alice), personas.client_for(personas.bob)

    assert "Accepter la publication" in alice.get("/compte/observatoire/").content.decode()
    alice.post("/compte/observatoire/", {"organisation": "cimade-93", "public": "1"})
    assert Publication.objects.get(organisation=personas.group).public
    assert (
        bob.post("/compte/observatoire/", {"organisation": "cimade-93", "public": "0"}).status_code
        == 404
    )
    assert (
        bob.post("/compte/observatoire/", {"organisation": "ldh-69", "public": "1"}).status_code
        == 404
    )
    assert Client().get("/compte/observatoire/").status_code == 302  # to the login


def test_the_case_page_shows_what_the_watcher_saw(counted, personas):
    case = Case.objects.get(booking_page=counted)
    body = personas.client_for(personas.alice).get(f"/dossiers/{case.reference}/").content.decode()
    assert "Ce que voit le veilleur de la page" in body


def test_a_volunteer_files_and_withdraws_an_availability_record(counted, personas):
    case = make_case(personas.group, booking_page=counted)
    alice = personas.client_for(personas.alice)
    court = alice.get(f"/dossiers/{case.reference}/tribunal/").content.decode()
    assert "Ajouter le relevé au dossier de dépôt" in court

    alice.post(
        f"/dossiers/{case.reference}/observatoire/releve/",
        {"action": "add", "first_day": "2026-01-01", "last_day": "2026-12-31"},
    )
    row = AvailabilityExhibit.objects.get(case=case)
    assert (row.first_day.isoformat(), row.last_day.isoformat()) == ("2026-03-02", "2026-03-03")
    charlie = personas.client_for(personas.charlie)
    answer = charlie.post(
        f"/dossiers/{case.reference}/observatoire/releve/", {"action": "remove", "exhibit": row.pk}
    )
    assert answer.status_code == 404 and AvailabilityExhibit.objects.filter(case=case).exists()
    alice.post(
        f"/dossiers/{case.reference}/observatoire/releve/", {"action": "remove", "exhibit": row.pk}
    )
    assert not AvailabilityExhibit.objects.filter(case=case).exists()


def test_the_command_line_prints_the_contract(counted, personas, capsys):
    call_command("observatory", "--json", "--since", "2026-03-03")
    found = json.loads(capsys.readouterr().out)
    assert found["format"] == "creneau-observatory/1" and found["public"] is False
    (page,) = found["pages"]
    assert (page["checks"], page["share_with_slots"], page["department"]) == (3, 0.0, "93")
    assert page["episodes"] == []  # the Monday episode ended before the period
    assert found["prefectures"][0]["checks"] == 3
    assert found["filters"] == {"department": None, "since": "2026-03-03", "until": None}
