# ruff: noqa: F811 (the SMTP and TSA fixtures are imported, then requested by name)
"""An ANEF-blocked démarche from the first contact to the bundle, in real Chromium.

Two journeys a volunteer makes on a phone: a renewal whose route Alice sets from the
prefecture's page, and a student's first application the catalog already puts on ANEF. Both go
through the « Parcours ANEF » (démarche, blockings with captures), the contact centre, the point
d'accueil numérique, the e-mail to the prefecture asking for the substitute route (a real SMTP
server receives it) and the court bundle built by the task worker, whose requête is read back.
"""

import datetime
import re
import zipfile
from email import message_from_bytes
from email.policy import default

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from creneau.accounts.models import MailSettings
from creneau.cases.models import Attempt, Case
from tests.conftest import Personas
from tests.documents.anef_cases import ERROR, ccc_answer, screenshot
from tests.documents.textual import normalised, text_of_pdf
from tests.portal.web import log_in
from tests.scheduling.conftest import (  # noqa: F401 (fixtures: SMTP, local TSA)
    Mailbox,
    run_queued,
    smtp,
)
from tests.scheduling.test_watching import wait_for_mail
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = 60_000  # ms: a bundle build on a busy 2-core machine
PREFECTURE = "pref-etrangers@example.gouv.fr"


@pytest.fixture
def mail_account(personas: Personas, smtp: Mailbox, settings) -> None:
    MailSettings.objects.create(
        organisation=personas.group,
        host="127.0.0.1",
        port=settings.EMAIL_PORT,
        security=MailSettings.Security.NONE,
        from_address="permanence@cimade.example",
    )


def moment(days_ago: int, hour: int) -> str:
    when = timezone.localtime() - datetime.timedelta(days=days_ago)
    return when.replace(hour=hour, minute=5).strftime("%Y-%m-%dT%H:%M")


def starting(label: str) -> re.Pattern[str]:
    """A label as the page writes it (« Démarche : »), not another that contains it."""
    return re.compile("^" + re.escape(label))


def new_case(phone: Page, fields: dict[str, str], selects: dict[str, str]) -> Case:
    phone.get_by_role("link", name="Nouveau dossier").first.click()
    for label, value in fields.items():
        phone.get_by_label(starting(label)).fill(value)
    for label, value in selects.items():
        phone.get_by_label(starting(label)).select_option(label=value)
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_text("Voie de dépôt")).to_be_visible()
    return Case.objects.get()


def the_demarche_and_two_blockings(phone: Page, case: Case, demarche: str) -> None:
    phone.get_by_role("link", name="Ouvrir le parcours ANEF").click()
    expect(phone.get_by_text("ne vaut pas dépôt de la demande")).to_be_visible()
    phone.get_by_label("Démarche choisie sur l'ANEF").fill(demarche)
    phone.get_by_role("button", name="Enregistrer la démarche").click()
    expect(phone.get_by_text("Démarche ANEF enregistrée.")).to_be_visible()
    for days_ago in (16, 5):  # two different weeks
        phone.get_by_label("Date et heure de l'essai").fill(moment(days_ago, 9))
        phone.get_by_label("Page ou étape de l'ANEF").fill("Dépôt de la demande")
        phone.get_by_label("Message affiché").fill(ERROR)
        phone.get_by_label("Capture d'écran (image ou PDF)").set_input_files(
            files=[{"name": "anef.png", "mimeType": "image/png", "buffer": screenshot(ERROR)}]
        )
        phone.get_by_role("button", name="Enregistrer le blocage").click()
        expect(phone.get_by_text("Blocage du téléservice enregistré")).to_be_visible()
    expect(
        phone.locator("#blockings ~ ul li, section[aria-labelledby=blockings] li")
    ).to_have_count(2)
    assert_fits_the_screen(phone)
    save_screenshot(phone, f"anef-{case.procedure_kind}-1-journey")


def the_contact_centre(phone: Page, case: Case) -> None:
    phone.get_by_role("link", name="Contacter le centre de contact citoyen").click()
    phone.get_by_label("Date et heure du contact").fill(moment(12, 11))
    phone.get_by_label("Comment").select_option("email")
    phone.get_by_label("Numéro de ticket ou de demande").fill("CCC-4242")
    phone.get_by_label("Résultat").select_option("answered")
    phone.get_by_label("La réponse écrite atteste que le dépôt en ligne est impossible").check()
    phone.get_by_label(
        "Courriel du centre de contact (.eml), capture ou PDF (facultatif)"
    ).set_input_files(
        files=[
            {
                "name": "reponse.eml",
                "mimeType": "message/rfc822",
                "buffer": ccc_answer("CCC-4242", True),
            }
        ]
    )
    phone.get_by_role("button", name="Enregistrer le contact").click()
    expect(
        phone.get_by_text("Contact avec le centre de contact citoyen enregistré.")
    ).to_be_visible()
    detail = Attempt.objects.get(case=case, channel="ccc").detail
    assert (detail.ticket, detail.certifies_impossibility) == ("CCC-4242", True)


def the_point_d_accueil(phone: Page, base_url: str, case: Case) -> None:
    phone.goto(f"{base_url}/dossiers/{case.reference}/point-d-accueil/")
    phone.get_by_label("Date et heure de la visite").fill(moment(9, 14))
    phone.get_by_label("Ce qui s'est passé").select_option("refused")
    phone.get_by_label("Ce qui a été dit").fill("L'agent n'a pas pu faire aboutir le dépôt.")
    phone.get_by_label("Une personne m'accompagnait et peut témoigner").check()
    phone.get_by_role("button", name="Enregistrer la visite").click()
    expect(phone.get_by_role("link", name="Attestation du témoin (PDF)")).to_be_visible()
    assert_fits_the_screen(phone)
    save_screenshot(phone, f"anef-{case.procedure_kind}-2-pan")


def the_substitute_route_request(phone: Page, base_url: str, case: Case, smtp) -> None:
    phone.goto(f"{base_url}/dossiers/{case.reference}/courriel/")
    expect(phone.get_by_text("ne vaut pas dépôt de la demande")).to_be_visible()
    phone.get_by_role("region", name="Préparer un courriel").get_by_label(
        "Destinataire (service des étrangers)"
    ).fill(PREFECTURE)
    phone.get_by_role("button", name="Préparer le courriel").click()
    expect(phone.get_by_role("heading", name="Relire et approuver le courriel")).to_be_visible()
    phone.get_by_role("button", name="Envoyer", exact=True).click()
    raw = wait_for_mail(smtp, PREFECTURE, 1)[0]
    message = message_from_bytes(raw.encode() if isinstance(raw, str) else raw, policy=default)
    assert "solution de substitution" in str(message["Subject"])
    assert Attempt.objects.get(case=case, channel="email").detail.purpose == "substitute"


def the_bundle(phone: Page, base_url: str, case: Case) -> str:
    phone.goto(f"{base_url}/dossiers/{case.reference}/")
    expect(phone.get_by_text("Voie de droit")).to_be_visible()
    phone.get_by_role("link", name="Ouvrir le suivi au tribunal").click()
    phone.get_by_role("button", name="Préparer le dossier de dépôt").click()
    expect(phone.get_by_role("heading", name="Dossier de dépôt")).to_be_visible()
    run_queued()  # the build task
    download = phone.get_by_role("link", name="Télécharger (ZIP)")
    expect(download).to_be_visible(timeout=LONG)
    save_screenshot(phone, f"anef-{case.procedure_kind}-3-bundle")
    with phone.expect_download() as started:
        download.click()
    with zipfile.ZipFile(started.value.path()) as bundle:
        names = bundle.namelist()
        requete = bundle.read("depot/00_Requete_refere_mesures_utiles.pdf")
    # The PAN visit has no signed attestation filed yet: it is declared (in the relevé of the
    # journal), never an exhibit of its own.
    assert not any("point_d_accueil_numerique" in name for name in names), names
    assert any("Releve_du_journal" in name for name in names), names
    assert any("teleservice_ANEF_bloque" in name for name in names), names
    return normalised(text_of_pdf(requete))


def test_a_blocked_anef_renewal_goes_from_the_first_contact_to_the_bundle(
    live_server,
    phone: Page,
    personas,
    smtp,
    tsa_on,
    mail_account,
):
    """GIVEN Alice on her phone and a renewal the prefecture's page puts on ANEF
    WHEN she notes the route, the démarche, two blockings, the contact centre's answer, a PAN
    visit with a witness, e-mails the prefecture and builds the bundle
    THEN the requête asks for the substitute route and the attestation, citing R. 431-2 and
    n° 452798, and never speaks of an appointment."""
    phone.set_default_timeout(LONG)
    log_in(phone, live_server.url, "alice")
    expired = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    case = new_case(
        phone,
        {
            "Nom de famille": "Benali",
            "Prénoms": "Amina",
            "E-mail": "amina.benali@example.org",
            "Titre demandé": "carte de séjour pluriannuelle",
            "Fondement": "vie privée et familiale",
            "Pourquoi cette voie": "Page « Titres de séjour » de la préfecture, lue ce mois-ci.",
            "Fin de validité du titre actuel": expired,
        },
        {
            "Nature de la démarche": "renouvellement",
            "Démarche": "Titre de séjour — renouvellement",
            "Département": "93 — Seine-Saint-Denis",
            "Voie de dépôt": "téléservice ANEF (demande en ligne)",
        },
    )
    expect(phone.get_by_text("Choisie pour ce dossier")).to_be_visible()
    the_demarche_and_two_blockings(phone, case, "Renouvellement — vie privée et familiale")
    the_contact_centre(phone, case)
    the_point_d_accueil(phone, live_server.url, case)
    the_substitute_route_request(phone, live_server.url, case, smtp)
    text = the_bundle(phone, live_server.url, case)
    assert "rendez-vous" not in text
    assert "visite au point d'accueil numérique" in text
    assert "article R. 431-2 du code de l'entrée et du séjour" in text and "n° 452798" in text
    assert "en lui permettant de recourir à la solution de substitution" in text
    assert "l'attestation de prolongation de l'instruction prévue par l'article R. 431-15-1" in text


def test_a_blocked_anef_student_first_application_goes_from_the_first_contact_to_the_bundle(
    live_server,
    phone: Page,
    personas,
    smtp,
    tsa_on,
    mail_account,
):
    """GIVEN a student's first application, which the catalog puts on ANEF
    WHEN Alice goes through the same journey
    THEN the case page says the catalog decided the route, and the requête argues the
    particular circumstances and asks only for the registration by the substitute route."""
    phone.set_default_timeout(LONG)
    log_in(phone, live_server.url, "alice")
    case = new_case(
        phone,
        {
            "Nom de famille": "Nguyen",
            "Prénoms": "Linh",
            "Titre demandé": "carte de séjour temporaire",
            "Fondement": "étudiant",
            "Circonstances particulières": "Stage obligatoire de master 1 qui commence en janvier.",
        },
        {
            "Nature de la démarche": "première demande",
            "Démarche": "Titre de séjour étudiant — première demande",
            "Département": "69 — Rhône",
        },
    )
    expect(
        phone.get_by_text("Catalogue : « Titre de séjour étudiant — première demande »")
    ).to_be_visible()
    the_demarche_and_two_blockings(phone, case, "Étudiant")
    the_contact_centre(phone, case)
    the_point_d_accueil(phone, live_server.url, case)
    the_substitute_route_request(phone, live_server.url, case, smtp)
    text = the_bundle(phone, live_server.url, case)
    assert "rendez-vous" not in text
    assert "arrêté du 27 avril 2021" in text and "n° 452798" in text
    assert "Stage obligatoire de master 1" in text
    assert "récépissé" not in text
