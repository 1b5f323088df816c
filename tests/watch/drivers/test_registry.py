"""Every driver honours the base contract."""

import pytest

from creneau.catalog.models import BookingSystem
from creneau.lib.browser import Step
from creneau.watch.drivers import DRIVERS, UnknownSystemError, driver_for
from creneau.watch.drivers.base import Driver


def test_there_is_a_driver_for_every_booking_system():
    assert set(DRIVERS) == set(BookingSystem.values)


@pytest.mark.parametrize("system", sorted(DRIVERS))
def test_each_driver_satisfies_the_contract(system: str):
    driver = driver_for(system)

    assert isinstance(driver, Driver)
    assert driver.system == system
    assert driver.mode in {"automatic", "assisted", "alert_only"}
    steps = driver.steps({})
    assert all(isinstance(step, Step) for step in steps)
    assert all(step.action != "goto" for step in steps)  # the page URL is the only entry


def test_an_unknown_system_has_no_driver():
    with pytest.raises(UnknownSystemError):
        driver_for("minitel")
