"""``attempt()`` on a stored booking page brings the page's system and configuration."""

from typing import Any

import pytest

from creneau.catalog.models import BookingPage
from creneau.simulators import generic as generic_site
from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt, driver_for
from creneau.watch.drivers.base import DriverConfigError
from creneau.watch.models import GenericSiteConfig
from tests.watch.conftest import TIMEOUT_S


@pytest.mark.browser
@pytest.mark.django_db
def test_a_stored_generic_page_is_judged_with_its_saved_texts(sim: SimulatorServer):
    page = BookingPage.objects.create(url=sim.url("generic"), system="generic")
    GenericSiteConfig.objects.create(
        page=page,
        no_slot_texts=generic_site.NO_SLOT,
        steps=[{"action": "click", "selector": "#voir-disponibilites"}],
    )

    snapshot, result = attempt(page, timeout_s=TIMEOUT_S)

    assert snapshot.requested_url == page.url
    assert (result.outcome, result.matched) == ("no_slot", generic_site.NO_SLOT)
    assert page.url  # the database is still usable in this thread after the browser ran


@pytest.mark.browser
@pytest.mark.django_db
def test_a_stored_page_of_a_known_system_uses_its_driver(sim: SimulatorServer):
    page = BookingPage.objects.create(url=sim.url("legacy", 1), system="legacy")

    snapshot, result = attempt(page, timeout_s=TIMEOUT_S)

    assert snapshot.final_url.endswith("/92/booking/create/4462/2")
    assert (result.outcome, result.system) == ("no_slot", "legacy")
    assert BookingPage.objects.filter(pk=page.pk).exists()


@pytest.mark.parametrize(
    ("system", "config"),
    [
        ("eappointment", {"postal_code": "94 000"}),
        ("eappointment", {"motive": "20'], a[href"}),
        ("rdv_service_public", {"lieu_id": "42 or 1"}),
    ],
)
def test_it_refuses_parameters_that_would_break_a_selector(system: str, config: dict[str, Any]):
    with pytest.raises(DriverConfigError):
        driver_for(system).steps(config)
