"""A page's own parameters (its desk, its postal code…), saved with it in the admin and used by
every attempt on it; what a person types at the moment (a captcha's code) is never kept."""

import pytest
from django.urls import reverse

from creneau.catalog.models import BookingPage
from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt, parameter_problems, stored_config
from tests.watch.conftest import TIMEOUT_S

pytestmark = pytest.mark.django_db


def test_saved_parameters_reach_the_steps_but_a_captcha_code_never_does():
    legacy = BookingPage.objects.create(
        url="https://www.seine-saint-denis.gouv.fr/booking/create/9845",
        system="legacy",
        parameters={"desk": "14002"},
    )
    rdv = BookingPage.objects.create(
        url="https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/cgu/",
        system="rdv_prefecture",
        parameters={"captcha_answer": "XK4P2Q"},  # written around the admin: still ignored
    )

    assert stored_config(legacy) == {"desk": "14002"}
    assert stored_config(rdv) == {}


@pytest.mark.parametrize(
    ("system", "parameters", "expected"),
    [
        ("legacy", {"desk": "14002"}, []),
        ("eappointment", {"postal_code": "69003", "motive": "20"}, []),
        ("legacy", {"guichet": "2"}, ["Paramètre inconnu pour ce système : « guichet »"]),
        ("rdv_prefecture", {"captcha_answer": "X"}, ["Paramètre inconnu"]),
        ("legacy", {"desk": 2}, ["doit être un texte court"]),
        ("legacy", {"desk": "2'] , a"}, ["Paramètre refusé"]),
        ("eappointment", {"postal_code": "6903"}, ["Paramètre refusé : postal_code"]),
        ("legacy", ["desk"], ["doivent être un objet JSON"]),
    ],
)
def test_parameters_are_checked_against_the_systems_own(system, parameters, expected):
    problems = parameter_problems(system, parameters)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert start in problem


def test_the_admin_refuses_a_bad_parameter_and_keeps_a_good_one(admin_client):
    page = BookingPage.objects.create(
        url="https://www.rdv.rhone.gouv.fr/eAppointment_PREF69/appointment.do",
        system="eappointment",
    )
    change = reverse("admin:catalog_bookingpage_change", args=[page.pk])
    form = {"url": page.url, "system": "eappointment", "label": "", "prefecture": ""}
    assert "postal_code (Code postal du domicile)" in admin_client.get(change).content.decode()

    refused = admin_client.post(change, form | {"parameters": '{"postal_code": "690"}'})
    assert refused.status_code == 200
    assert "Paramètre refusé" in refused.content.decode()
    assert BookingPage.objects.get(pk=page.pk).parameters == {}

    saved = admin_client.post(change, form | {"parameters": '{"postal_code": "69003"}'})
    assert saved.status_code == 302
    assert BookingPage.objects.get(pk=page.pk).parameters == {"postal_code": "69003"}


@pytest.mark.browser
def test_the_saved_desk_is_the_one_the_browser_chooses(sim: SimulatorServer):
    """A desk that exists leads to the answer; one that does not is never read as no slot."""
    page = BookingPage.objects.create(
        url=sim.url("legacy"), system="legacy", parameters={"desk": "14002"}
    )
    _, chosen = attempt(page, timeout_s=TIMEOUT_S)
    BookingPage.objects.filter(pk=page.pk).update(parameters={"desk": "14009"})
    page.refresh_from_db()
    _, missing = attempt(page, timeout_s=TIMEOUT_S)

    assert chosen.outcome == "no_slot"
    assert missing.outcome != "no_slot"
