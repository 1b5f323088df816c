"""Configure a generic site in the admin, press « Tester la page », read the outcome."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from creneau.catalog.models import BookingPage
from creneau.simulators import generic as generic_site
from creneau.simulators.server import SimulatorServer
from creneau.watch.models import GenericSiteConfig


def site_form(url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "url": url,
        "label": "Mairie de Montreuil – étrangers",
        "no_slot_texts": generic_site.NO_SLOT,
        "slot_texts": "",
        "slot_selectors": "ul.creneaux li",
        "steps": json.dumps([{"action": "click", "selector": "#voir-disponibilites"}]),
        "timeout_s": "10",
        "_save": "Enregistrer",
    } | overrides


@pytest.fixture
def local_urls(settings: Any) -> None:
    settings.ALLOW_LOCAL_URLS = True


def add_site(admin_client: Client, url: str, **overrides: Any) -> GenericSiteConfig:
    form = site_form(url, **overrides)
    response = admin_client.post(reverse("admin:watch_genericsiteconfig_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return GenericSiteConfig.objects.get(page__url=url)


@pytest.mark.browser
@pytest.mark.django_db
def test_the_test_button_shows_the_outcome_and_the_matched_text(
    admin_client: Client, sim: SimulatorServer, local_urls: None
):
    """
    GIVEN a generic site configured in the admin (a page of the simulator)
    WHEN the volunteer presses « Tester la page », with no slot and then with slots
    THEN the admin shows each outcome and the text that decided, and keeps the last result
    """
    config = add_site(admin_client, sim.url("generic"))
    test_url = reverse("admin:watch_genericsiteconfig_test", args=[config.pk])

    no_slot = admin_client.post(test_url, follow=True)
    config.refresh_from_db()

    assert config.page.system == "generic"
    assert config.last_test_outcome == "no_slot"
    assert config.last_test_matched == generic_site.NO_SLOT
    assert config.last_test_final_url.endswith("/disponibilites")
    assert "aucun créneau (no_slot)" in no_slot.content.decode()
    assert escape(generic_site.NO_SLOT) in no_slot.content.decode()

    sim.set_state("generic", "slots")
    slots = admin_client.post(test_url, follow=True)
    config.refresh_from_db()

    assert config.last_test_outcome == "slots_available"
    assert "créneaux disponibles (slots_available)" in slots.content.decode()


@pytest.mark.browser
@pytest.mark.django_db
def test_the_list_action_tests_the_selected_sites(
    admin_client: Client, sim: SimulatorServer, local_urls: None
):
    sim.set_state("generic", "error503")
    config = add_site(admin_client, sim.url("generic"), timeout_s="2")  # the button never shows

    admin_client.post(
        reverse("admin:watch_genericsiteconfig_changelist"),
        {"action": "test_pages", "_selected_action": [config.pk]},
    )
    config.refresh_from_db()

    assert config.last_test_outcome == "error"


@pytest.mark.django_db
def test_the_change_page_has_the_test_button_and_a_link_to_the_booking_page(
    admin_client: Client, local_urls: None
):
    config = add_site(admin_client, "http://127.0.0.1:9/generic/x")

    page = admin_client.get(reverse("admin:watch_genericsiteconfig_change", args=[config.pk]))

    assert 'id="test-page-button"' in page.content.decode()
    assert (
        reverse("admin:catalog_bookingpage_change", args=[config.page.pk]) in page.content.decode()
    )


@pytest.mark.django_db
def test_it_refuses_a_local_address_unless_allowed(admin_client: Client):
    response = admin_client.post(
        reverse("admin:watch_genericsiteconfig_add"), site_form("http://127.0.0.1:8765/generic/x")
    )

    assert response.status_code == 200
    assert "une adresse locale ou privée" in response.content.decode()
    assert not BookingPage.objects.filter(url__contains="127.0.0.1").exists()


@pytest.mark.django_db
def test_it_refuses_steps_it_cannot_run(admin_client: Client, local_urls: None):
    steps = json.dumps([{"action": "goto", "selector": "a", "value": "http://10.0.0.1/"}])

    response = admin_client.post(
        reverse("admin:watch_genericsiteconfig_add"),
        site_form("http://127.0.0.1:9/generic/x", steps=steps),
    )

    assert response.status_code == 200
    assert "Étapes invalides" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_page_followed_with_another_system(admin_client: Client, local_urls: None):
    BookingPage.objects.create(url="http://127.0.0.1:9/93/booking/create/1/0", system="legacy")

    response = admin_client.post(
        reverse("admin:watch_genericsiteconfig_add"),
        site_form("http://127.0.0.1:9/93/booking/create/1/0"),
    )

    assert response.status_code == 200
    assert "déjà suivie avec le système" in response.content.decode()
