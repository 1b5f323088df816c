"""Drivers: one module per booking system, found through ``DRIVERS`` and imported lazily.

``attempt(page, system, config)`` is one try at one booking page: the driver's steps run in the
browser seam and ``judge`` reads the result under the honesty rule (``creneau.watch.honesty``),
so a failure never reads as ``no_slot``.
"""

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from creneau.lib import browsing
from creneau.lib.browser import PageSnapshot
from creneau.watch.classify import Classification
from creneau.watch.drivers.base import Driver, DriverConfigError, PageConfig
from creneau.watch.honesty import honest

if TYPE_CHECKING:
    from creneau.catalog.models import BookingPage

DRIVERS: Mapping[str, str] = {
    "legacy": "creneau.watch.drivers.legacy.LegacyDriver",
    "rdv_prefecture": "creneau.watch.drivers.rdv_prefecture.RdvPrefectureDriver",
    "eappointment": "creneau.watch.drivers.eappointment.EAppointmentDriver",
    "rdv_service_public": "creneau.watch.drivers.rdv_service_public.RdvServicePublicDriver",
    "demarches_simplifiees": (
        "creneau.watch.drivers.demarches_simplifiees.DemarchesSimplifieesDriver"
    ),
    "anef": "creneau.watch.drivers.anef.AnefDriver",
    "qmatic": "creneau.watch.drivers.vendors.QmaticDriver",
    "synbird": "creneau.watch.drivers.vendors.SynbirdDriver",
    "clicrdv": "creneau.watch.drivers.vendors.ClicRdvDriver",
    "smartagenda": "creneau.watch.drivers.vendors.SmartAgendaDriver",
    "generic": "creneau.watch.drivers.generic.GenericDriver",
}


class UnknownSystemError(LookupError):
    """No driver for this booking system."""


@cache
def driver_for(system: str) -> Driver:
    try:
        dotted = DRIVERS[system]
    except KeyError:
        raise UnknownSystemError(f"no driver for booking system {system!r}") from None
    module, name = dotted.rsplit(".", 1)
    driver: Driver = getattr(import_module(module), name)()
    return driver


def attempt(
    page: "BookingPage | str",
    system: str | None = None,
    config: PageConfig | None = None,
    *,
    timeout_s: float = 30.0,
) -> tuple[PageSnapshot, Classification]:
    """One try at a booking page: (what the browser saw, what it means).

    A ``BookingPage`` brings its system and its stored configuration; a bare URL needs both.
    The browser runs on a helper thread, so the caller may use the database before and after.
    Whatever happens on the remote site comes back as a judgement; only problems on our side
    raise: ``UnknownSystemError``, ``DriverConfigError`` (a bad page parameter) and
    ``BrowserUnavailableError`` (no Chromium on this machine).
    """
    if isinstance(page, str):
        url, system = page, system or ""
    else:
        url, system = page.url, system or page.system
        if config is None:
            config = stored_config(page)
    config = config or {}
    driver = driver_for(system)
    snapshot = browsing.snapshot(
        url, driver.steps(config), timeout_s=timeout_s, ready=driver.ready(config)
    )
    return snapshot, judge(system, snapshot, config)


def judge(system: str, snapshot: PageSnapshot, config: PageConfig) -> Classification:
    """What the page says, read by its system's driver, under the one honesty rule."""
    return honest(snapshot, driver_for(system).judge(snapshot, config))


def stored_config(page: "BookingPage") -> PageConfig:
    """What the page's steps need: its system's parameters saved with the page (a desk, a postal
    code…) and, for a generic page, its configured texts and steps."""
    from creneau.watch.models import GenericSiteConfig

    kept = {p.name for p in driver_for(page.system).parameters if p.stored}
    config: dict[str, object] = {
        name: value for name, value in (page.parameters or {}).items() if name in kept
    }
    found = GenericSiteConfig.objects.filter(page=page).first()
    return {**config, **found.page_config()} if found else config


def parameter_problems(system: str, parameters: object) -> list[str]:
    """Why these saved parameters cannot drive the system's steps (in French), or nothing."""
    driver = driver_for(system)
    if not isinstance(parameters, dict):
        return [_('Les paramètres doivent être un objet JSON, par exemple {"desk": "2"}.')]
    known = {p.name for p in driver.parameters if p.stored}
    problems = [
        _("Paramètre inconnu pour ce système : « %(name)s » (connus : %(known)s).")
        % {"name": name, "known": ", ".join(sorted(known)) or _("aucun")}
        for name in parameters
        if name not in known
    ]
    problems += [
        _("Le paramètre « %(name)s » doit être un texte court.") % {"name": name}
        for name, value in parameters.items()
        if not isinstance(value, str) or len(value) > 40
    ]
    if not problems:
        try:
            driver.steps(parameters)
        except DriverConfigError as exc:
            problems.append(_("Paramètre refusé : %(reason)s") % {"reason": exc})
    return problems
