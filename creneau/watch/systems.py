"""Which booking system a page belongs to: told by its address, its own markup, or its brand.

The address decides first (the final URL, else the one a browser wrote into a saved file). Then
the page's own forms, scripts, stylesheets and canonical address (never links to other sites),
and the ids only one system uses. Last, and only when no address is known at all, the brand the
page gives itself: the last part of its title (« Choix du créneau - RDV Préfecture ») or the
service name of its DSFR header. A news article names systems in its first words, not there.
"""

import re

from creneau.watch import signals as s
from creneau.watch.pagetext import Element, Page, fold

_HOST = r"//(?:[\w-]+\.)*"
_SYSTEM_URLS = (
    (re.compile(r"rdv-prefecture\.interieur\.gouv\.fr|/rdvpref/"), s.RDV_PREFECTURE),
    (re.compile(r"eappointment"), s.EAPPOINTMENT),
    (re.compile(r"/booking/create/\d+|bookingserver::planning"), s.LEGACY),
    (
        re.compile(_HOST + r"(?:rdv\.anct\.gouv\.fr|rdv-solidarites\.fr|rdv-aide-numerique)"),
        s.RDV_SERVICE_PUBLIC,
    ),
    # The application's own routes (config/routes.rb), whatever the host serving them.
    (
        re.compile(r"^(?:[a-z]+://[^/]*)?/(?:prendre_rdv|users/rdvs/\d+/creneaux)(?:[/?#]|$)"),
        s.RDV_SERVICE_PUBLIC,
    ),
    (
        re.compile(_HOST + r"(?:demarches-simplifiees\.fr|demarche\.numerique\.gouv\.fr)"),
        s.DEMARCHES_SIMPLIFIEES,
    ),
    (re.compile(_HOST + r"administration-etrangers-en-france\.interieur\.gouv\.fr"), s.ANEF),
    (re.compile(r"/qmaticwebbooking\b|" + _HOST + r"[\w-]*qmatic[\w-]*\."), s.QMATIC),
    (re.compile(_HOST + r"synbird\.(?:com|fr)\b"), s.SYNBIRD),
    (re.compile(_HOST + r"clicrdv\.com\b"), s.CLICRDV),
    (re.compile(_HOST + r"smartagenda\.fr\b"), s.SMARTAGENDA),
    (re.compile(_HOST + r"queue-it\.net(?:[:/?]|$)"), s.GENERIC),
)
# Class or id prefixes that only a vendor's widget uses.
_VENDOR_MARKS = re.compile(r"^(qmatic|synbird|clicrdv|smartagenda|smart-agenda)(?:[-_]|$)")
_BRANDS = (
    (re.compile(r"^rdv prefecture$"), s.RDV_PREFECTURE),
    (
        re.compile(r"^(?:rdv service public|rdv solidarites|rdv aide numerique)$"),
        s.RDV_SERVICE_PUBLIC,
    ),
    (re.compile(r"^(?:demarches simplifiees|demarche numerique)$"), s.DEMARCHES_SIMPLIFIEES),
    (
        re.compile(r"^(?:anef|administration numerique (?:pour les|des) etrangers en france)$"),
        s.ANEF,
    ),
    (re.compile(r"^qmatic(?: web booking)?$"), s.QMATIC),
    (re.compile(r"^synbird$"), s.SYNBIRD),
    (re.compile(r"^clicrdv$"), s.CLICRDV),
    (re.compile(r"^smart ?agenda$"), s.SMARTAGENDA),
)
_TITLE_PARTS = re.compile(r"\s[-|\u2013\u2014:]\s|\s?\|\s?")


def system_of_url(url: str) -> str:
    lowered = url.lower()
    return next((system for pattern, system in _SYSTEM_URLS if pattern.search(lowered)), "")


def system_of(page: Page, url: str) -> str:
    """The page's booking system: ``url`` (the final or saved-from address) first."""
    by_address = system_of_url(url)
    if by_address:
        return by_address
    return system_of_markup(page) or ("" if url else system_of_brand(page))


def system_of_markup(page: Page) -> str:
    """The booking system told by the page's own forms and addresses (not by links to others)."""
    for element in page.elements:
        system = _system_of_element(element)
        if system:
            return system
    return _legacy_week(page)


def system_of_brand(page: Page) -> str:
    """The brand the page gives itself: its title's last part, or its DSFR header's service."""
    parts = [part for part in _TITLE_PARTS.split(fold(page.title)) if part.strip()]
    names = parts[-1:] + parts[:1]  # ANEF writes its name first (« ANEF - Se connecter »)
    names += [
        fold(element.text)
        for element in page.elements
        if "fr-header__service-title" in element.classes() and not element.hidden
    ]
    for index, name in enumerate(names):
        for pattern, system in _BRANDS:
            # A title's first part names the page, except ANEF's: it never yields "no slot".
            if pattern.match(name.strip()) and (index != 1 or system == s.ANEF):
                return system
    return ""


def _system_of_element(element: Element) -> str:
    ident, name = element.attr("id").lower(), element.attr("name").lower()
    if ident in {"formbookingcreate", "inner_booking"}:
        return s.LEGACY
    if element.tag == "rdv-captchetat":
        return s.RDV_PREFECTURE
    if ident in {"dayvalueid", "cpid"} or name == "selectedmotivekeylist":
        return s.EAPPOINTMENT
    if element.tag == "img" and "/extension/booking/" in element.attr("src").lower():
        return s.LEGACY
    vendor = next(
        (m.group(1) for token in [ident, *element.classes()] if (m := _VENDOR_MARKS.match(token))),
        "",
    )
    if vendor:
        return s.SMARTAGENDA if vendor.startswith("smart") else vendor
    address = _own_address(element)
    if address:
        return system_of_url(address) or _relative_system(address)
    return ""


def _own_address(element: Element) -> str:
    """The address of the page itself or of its own code (form, base, canonical, scripts)."""
    rel = element.attr("rel").lower()
    attribute = {
        "form": "action",
        "base": "href",
        "script": "src",
        "link": "href" if "canonical" in rel or "stylesheet" in rel else "",
        "meta": "content" if element.attr("property").lower() == "og:url" else "",
    }.get(element.tag, "")
    return element.attr(attribute) if attribute else ""


def _relative_system(address: str) -> str:
    """Relative addresses that only one application uses (RDV Service Public, DS forms)."""
    if "/creneaux?motif_id" in address:
        return s.RDV_SERVICE_PUBLIC
    return s.DEMARCHES_SIMPLIFIEES if address.startswith("/commencer/") else ""


def _legacy_week(page: Page) -> str:
    """System A's AJAX week fragment: a « Semaine du … » header or ``td.status-N`` cells, and
    a « Légende » with « libre »."""
    marked = any(
        (element.tag == "td" and any(re.fullmatch(r"status-\d", c) for c in element.classes()))
        or (element.tag == "th" and fold(element.text).startswith("semaine du "))
        for element in page.elements
    )
    text = fold(page.text)
    return s.LEGACY if marked and "legende" in text and "libre" in text else ""
