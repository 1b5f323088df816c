"""An organisation's booking pages in the app, for its admins: listed, added (address checked,
system recognised or chosen), their system and parameters changed while no other organisation
follows them; every change audited."""

import ipaddress

import pytest
from django.test import Client
from django.urls import reverse

from creneau.accounts.models import AuditEvent, Member
from creneau.catalog.models import BookingPage
from creneau.lib import urlsafety
from creneau.scheduling import planning
from creneau.watch.models import OrganisationPage
from tests.conftest import make_case, make_member

pytestmark = pytest.mark.django_db
SIM = "http://127.0.0.1:8765/rdvpref/reservation/demarche/1234/cgu/"
LEGACY = "https://www.rdv.93.gouv.fr/booking/create/9845"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch, settings):
    """No DNS here: every name stands for a public address (127.0.0.1 stays local), and local
    addresses are refused as in production."""
    settings.ALLOW_LOCAL_URLS = False
    real = urlsafety.resolve
    public = ipaddress.ip_address("93.184.216.34")
    monkeypatch.setattr(
        urlsafety, "resolve", lambda host, port: real(host, port) if host[0].isdigit() else [public]
    )


@pytest.fixture
def diane(personas) -> Client:
    """An administrator of Alice's organisation."""
    client = Client()
    client.force_login(make_member("diane", personas.group, role=Member.Role.ADMIN))
    return client


def pages_url(personas) -> str:
    return reverse("organisation-pages", args=[personas.group.slug])


def page_url(personas, page) -> str:
    return reverse("organisation-page", args=[personas.group.slug, page.pk])


def test_the_list_holds_the_pages_the_organisations_cases_follow(personas, diane):
    ours = BookingPage.objects.create(url=LEGACY, system="legacy", label="Titres — Bobigny")
    theirs = BookingPage.objects.create(url="https://rdv.rhone.gouv.fr/booking/create/1")
    make_case(personas.group, booking_page=ours)
    make_case(personas.group, booking_page=ours)
    make_case(personas.other_group, booking_page=theirs)

    text = diane.get(pages_url(personas)).content.decode()

    assert "Titres — Bobigny" in text and LEGACY in text
    assert "module de réservation historique des préfectures" in text
    assert "2 dossiers de l'organisation la suivent" in text
    assert "rhone" not in text
    assert "partagée avec d'autres organisations" not in text


def test_the_settings_page_links_to_the_booking_pages(personas, diane):
    text = diane.get(reverse("organisation-settings", args=[personas.group.slug])).content
    assert pages_url(personas).encode() in text


def test_adding_a_page_recognises_its_system_and_is_audited(personas, diane):
    response = diane.post(
        reverse("organisation-page-add", args=[personas.group.slug]),
        {"new-url": LEGACY, "new-label": "Bobigny", "new-system": ""},
        follow=True,
    )

    page = BookingPage.objects.get(url=LEGACY)
    assert page.system == "legacy" and page.label == "Bobigny"
    assert OrganisationPage.objects.filter(organisation=personas.group, page=page).exists()
    assert "Page ajoutée, avec le système « module de réservation historique" in (
        response.content.decode()
    )
    event = AuditEvent.objects.get(organisation=personas.group, action="create")
    assert event.actor == "diane" and LEGACY in event.detail
    assert Client().get(pages_url(personas)).status_code == 302  # login first


def test_a_page_already_known_is_added_without_changing_its_settings(personas, diane):
    known = BookingPage.objects.create(url=LEGACY, system="legacy", parameters={"desk": "2"})

    diane.post(
        reverse("organisation-page-add", args=[personas.group.slug]),
        {"new-url": LEGACY, "new-system": "qmatic"},
    )

    known.refresh_from_db()
    assert known.system == "legacy" and known.parameters == {"desk": "2"}
    assert BookingPage.objects.filter(url=LEGACY).count() == 1


def test_a_local_address_is_refused_with_a_summary_linking_to_the_field(personas, diane, settings):
    settings.ALLOW_LOCAL_URLS = False

    response = diane.post(
        reverse("organisation-page-add", args=[personas.group.slug]),
        {"new-url": "http://127.0.0.1:8000/admin/", "new-system": ""},
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in text and 'href="#id_new-url"' in text
    assert text.count('id="id_new-url"') == 1
    assert "mène à 127.0.0.1, une adresse locale ou privée" in text
    assert not BookingPage.objects.exists()


def test_changing_the_system_of_the_simulators_captcha_page_makes_it_assisted(personas, diane):
    """The simulator's captcha page (a local address: no system recognised) is tried as an
    assisted attempt once its admin says it is an RDV Préfecture page."""
    page = BookingPage.objects.create(url=SIM, system="generic")
    case = make_case(personas.group, booking_page=page)

    response = diane.post(
        page_url(personas, page),
        {"page-system": "rdv_prefecture", "page-label": "Simulateur", "page-prefecture": ""},
        follow=True,
    )

    page.refresh_from_db()
    assert page.system == "rdv_prefecture" and page.label == "Simulateur"
    assert planning.mode_of(case.booking_page) == "assisted"
    assert "Réglages de la page enregistrés." in response.content.decode()
    event = AuditEvent.objects.get(organisation=personas.group, action="change")
    assert "système generic → rdv_prefecture" in event.detail


def test_a_systems_parameters_are_fields_checked_by_its_driver(personas, diane):
    page = BookingPage.objects.create(
        url="https://rdv.val-de-marne.gouv.fr/eAppointment", system="eappointment"
    )
    OrganisationPage.objects.create(organisation=personas.group, page=page)
    form = {"page-system": "eappointment", "page-label": "", "page-prefecture": ""}

    shown = diane.get(page_url(personas, page)).content.decode()
    refused = diane.post(page_url(personas, page), form | {"page-param_postal_code": "abc"})
    saved = diane.post(
        page_url(personas, page),
        form | {"page-param_postal_code": "94000", "page-param_motive": "20"},
    )

    assert 'id="id_page-param_postal_code"' in shown and "Code postal du domicile" in shown
    assert refused.status_code == 400 and 'id="error-summary"' in refused.content.decode()
    assert saved.status_code == 302
    page.refresh_from_db()
    assert page.parameters == {"postal_code": "94000", "motive": "20"}


def test_a_page_another_organisation_follows_is_changed_by_the_operator_only(personas, diane):
    page = BookingPage.objects.create(url=LEGACY, system="legacy")
    make_case(personas.group, booking_page=page)
    make_case(personas.other_group, booking_page=page)

    shown = diane.get(page_url(personas, page)).content.decode()
    response = diane.post(
        page_url(personas, page),
        {"page-system": "generic", "page-label": "", "page-prefecture": ""},
        follow=True,
    )

    assert 'id="shared-page"' in shown and 'name="page-system"' not in shown
    assert "seul l&#x27;opérateur de l&#x27;installation peut changer" in response.content.decode()
    page.refresh_from_db()
    assert page.system == "legacy"
    assert not AuditEvent.objects.filter(action="change").exists()
    listed = diane.get(pages_url(personas)).content.decode()
    assert "partagée avec d'autres organisations" in listed


def test_volunteers_and_other_organisations_admins_get_a_404(personas, diane):
    page = BookingPage.objects.create(url=LEGACY, system="legacy")
    make_case(personas.group, booking_page=page)
    other_admin = Client()
    other_admin.force_login(make_member("eve", personas.other_group, role=Member.Role.ADMIN))
    alice = personas.client_for(personas.alice)
    form = {"page-system": "generic"}

    for client in (alice, other_admin):
        assert client.get(pages_url(personas)).status_code == 404
        assert client.post(page_url(personas, page), form).status_code == 404
        add = reverse("organisation-page-add", args=[personas.group.slug])
        assert client.post(add, {"new-url": LEGACY}).status_code == 404
    # Eve's own organisation does not follow the page: its id answers 404 there too.
    eves = reverse("organisation-page", args=[personas.other_group.slug, page.pk])
    assert other_admin.get(eves).status_code == 404
    page.refresh_from_db()
    assert page.system == "legacy"
