"""The whole journey, end to end, in real Chromium against the live server (issue 9).

A volunteer opens a case following a simulated booking page, the watcher seals attempts, the
person sets their alerts and sends a screenshot in Arabic on a phone, slots appear and the
person is told by e-mail, the volunteer writes to the prefecture and downloads the court bundle.
Everything outside runs here for real: the simulators, an SMTP server (aiosmtpd), the local
time-stamping authority, the task worker (``db_worker --batch``, as in tests/scheduling/).
"""

import time
import zipfile
from datetime import timedelta
from email import message_from_string
from email.policy import default
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from creneau.accounts.models import MailSettings
from creneau.cases.models import Attempt, Case
from creneau.notifications.models import AlertLog, NotificationChannel
from creneau.scheduling import scheduler, tasks
from creneau.scheduling.models import EvidenceSchedule
from tests.conftest import Personas
from tests.portal.web import log_in, screenshot_png
from tests.scheduling.conftest import (  # noqa: F401 (fixtures: simulators, SMTP, local TSA)
    Mailbox,
    run_queued,
    sim,
    simulator,
    smtp,
)
from tests.scheduling.test_watching import wait_for_mail
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSON_EMAIL = "samir.haddad@personne.example"
PREFECTURE = "pref-etrangers@seine-saint-denis.gouv.fr"
LONG = 60_000  # ms: a watch run, a seal or a bundle build on a busy 2-core machine


@pytest.fixture
def always_open(settings: Any) -> None:
    """Watch and attempt at any hour; room in the host budget for the journey's few runs."""
    settings.WATCH_HOURS, settings.WATCH_DAYS = "00:00-23:59", "mon-sun"
    settings.EVIDENCE_HOURS, settings.EVIDENCE_DAYS = "00:00-23:59", "mon-sun"
    settings.POLITENESS_CAPACITY = 10
    settings.TSA_TIMEOUT_S = 5


def tick(now) -> None:
    """One scheduler pass, then the worker's queue, twice: a run may queue an alert."""
    scheduler.tick(now, dispatch=tasks.enqueue)
    run_queued()
    run_queued()


def wait_until(check, seconds: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def create_case(phone: Page, base_url: str, booking_url: str) -> Case:
    """(a) Alice, on her phone, opens a case following the booking page."""
    log_in(phone, base_url, "alice")
    phone.get_by_role("link", name="Nouveau dossier").first.click()
    phone.get_by_label("Nom de famille").fill("Haddad")
    phone.get_by_label("Prénoms").fill("Samir")
    phone.get_by_label("E-mail").fill(PERSON_EMAIL)
    phone.get_by_label("Nature de la démarche").select_option("renewal")
    phone.get_by_label("Département").select_option("93")
    phone.get_by_label("Page de prise de rendez-vous").fill(booking_url)
    assert_fits_the_screen(phone)
    save_screenshot(phone, "journey-1-case-form")
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_text("Tribunal administratif de Montreuil")).to_be_visible()
    case = Case.objects.get()  # the only one (names are encrypted: no filter on them)
    assert case.booking_page is not None and case.booking_page.system == "legacy"
    return case


def seal_attempts(phone: Page, case: Case) -> None:
    """(b) The first watch, then an evidence attempt made due now: sealed, shown on the case."""
    now = timezone.now()
    tick(now)
    EvidenceSchedule.objects.filter(case=case).update(next_run_at=now)
    tick(now + timedelta(minutes=1))
    attempt = Attempt.objects.get(case=case)
    assert (attempt.source, attempt.outcome) == ("sealed", "no_slot")
    phone.reload()
    expect(phone.locator(".timeline li")).to_have_count(1)
    expect(phone.locator(".timeline li .evidence-state")).to_have_text("scellée et horodatée")
    assert_fits_the_screen(phone)
    save_screenshot(phone, "journey-2-case-sealed-attempt")


def personal_link(phone: Page) -> str:
    phone.get_by_role("button", name="Créer un lien personnel").click()
    url = phone.get_by_label("Lien à copier").input_value()
    phone.get_by_role("link", name="Retour au dossier").click()
    return url


def person_in_arabic(browser: Browser, link: str, smtp: Mailbox) -> None:  # noqa: F811
    """(d) The person opens the link on a 360 px phone, switches to Arabic, sends a
    screenshot, then asks for e-mail alerts and a test message."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    person = context.new_page()
    try:
        person.goto(link)
        expect(person.get_by_role("heading", name="Où en est mon dossier ?")).to_be_visible()
        person.get_by_label("Langue").select_option("ar")
        person.get_by_role("button", name="Changer").click()
        expect(person.locator("html")).to_have_attribute("dir", "rtl")
        assert person.get_by_role("heading", level=1).inner_text().startswith("ملفي")
        assert_fits_the_screen(person)
        save_screenshot(person, "journey-3-portal-arabic")

        person.get_by_role("link", name="إرسال لقطة شاشة").click()
        person.get_by_label("لقطة شاشة أو ملف PDF").set_input_files(
            files=[{"name": "capture.png", "mimeType": "image/png", "buffer": screenshot_png()}]
        )
        at = timezone.localtime() - timedelta(hours=1)
        person.get_by_label("تاريخ المحاولة وساعتها").fill(at.strftime("%Y-%m-%dT%H:%M"))
        person.get_by_label("على موقع حجز المواعيد التابع للمحافظة").check()
        person.get_by_label("لا يوجد أي موعد متاح").check()
        person.get_by_role("button", name="إرسال").click()
        expect(
            person.get_by_text("شكرًا. حُفظت لقطتك وسُجّلت في السجل: محاولة «مصرَّح بها مع ملف مرفق».")
        ).to_be_visible()
        expect(person.locator(".timeline li")).to_have_count(2)
        save_screenshot(person, "journey-4-portal-screenshot-sent")

        person.goto(link.split("/p/")[0] + "/p/alertes/")
        expect(person.get_by_label("عنوان البريد الإلكتروني")).to_have_value(PERSON_EMAIL)
        person.get_by_role("button", name="حفظ").click()
        expect(person.get_by_text("تم التسجيل: ستصلكم التنبيهات بهذه الطريقة.")).to_be_visible()
        person.get_by_role("button", name="أرسل لي رسالة تجريبية").click()
        expect(person.get_by_text("أُرسلت الرسالة التجريبية. تحققوا من وصولها.")).to_be_visible()
        assert_fits_the_screen(person)
        save_screenshot(person, "journey-5-portal-alerts")
        assert "Créneau: رسالة تجريبية" in decoded(wait_for_mail(smtp, PERSON_EMAIL, 1)[0])
        assert NotificationChannel.objects.get().language == "ar"
    finally:
        context.close()


def decoded(raw: str) -> str:
    """The subject and the plain text of a message as the SMTP server received it."""
    message = message_from_string(raw, policy=default)
    return f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"


def slots_alert(sim, smtp: Mailbox, booking_url: str) -> None:  # noqa: F811
    """(c) The page starts showing slots; the next watch e-mails the person, in Arabic."""
    sim.set_state("legacy", "slots")
    tick(timezone.now() + timedelta(minutes=31))
    alert = decoded(wait_for_mail(smtp, PERSON_EMAIL, 2)[1])
    assert booking_url in alert
    log = AlertLog.objects.get(recipient="person", kind="slots")
    assert (log.result, log.language) == ("delivered", "ar")


def write_to_prefecture(phone: Page, smtp: Mailbox) -> None:  # noqa: F811
    """(e) Alice prepares the e-mail, reads it, approves it: the SMTP server receives it."""
    phone.get_by_role("link", name="Écrire à la préfecture").click()
    phone.get_by_role("region", name="Préparer un courriel").get_by_label(
        "Destinataire (service des étrangers)"
    ).fill(PREFECTURE)
    phone.get_by_role("button", name="Préparer le courriel").click()
    expect(phone.get_by_role("heading", name="Relire et approuver le courriel")).to_be_visible()
    assert_fits_the_screen(phone)
    save_screenshot(phone, "journey-6-mail-approval")
    phone.get_by_role("button", name="Envoyer", exact=True).click()
    received = wait_for_mail(smtp, PREFECTURE, 1)
    assert "HADDAD" in decoded(received[0])
    sent = Attempt.objects.get(channel="email")
    assert (sent.outcome, sent.source) == ("sent", "sent")  # witnessed: Créneau sent it
    save_screenshot(phone, "journey-7-mail-sent")


def court_bundle(phone: Page, case: Case) -> None:
    """(f) Alice builds the court bundle from the « Tribunal » page and downloads the ZIP."""
    phone.goto(phone.url.split("/dossiers/")[0] + f"/dossiers/{case.reference}/")
    phone.get_by_role("link", name="Ouvrir le suivi au tribunal").click()
    save_screenshot(phone, "journey-8-court-page")
    phone.get_by_role("button", name="Préparer le dossier de dépôt").click()
    expect(phone.get_by_role("heading", name="Dossier de dépôt")).to_be_visible()
    run_queued()  # the build task
    download_link = phone.get_by_role("link", name="Télécharger (ZIP)")
    expect(download_link).to_be_visible(timeout=LONG)
    assert_fits_the_screen(phone)
    save_screenshot(phone, "journey-9-bundle-ready")
    with phone.expect_download() as started:
        download_link.click()
    with zipfile.ZipFile(started.value.path()) as bundle:
        names = bundle.namelist()
        assert bundle.testzip() is None  # every member opens and matches its CRC
    assert "depot/00_Requete_refere_mesures_utiles.pdf" in names, names
    exhibits = [n for n in names if n.startswith("depot/0") and not n.startswith("depot/00_")]
    assert exhibits and all(n.endswith(".pdf") for n in exhibits), names


def test_a_case_goes_from_creation_to_the_court_bundle(
    live_server,
    phone: Page,
    browser: Browser,
    personas: Personas,
    sim,  # noqa: F811
    smtp: Mailbox,  # noqa: F811
    tsa_on,
    always_open,
    settings,
):
    """GIVEN a legacy booking page (simulated) showing no slot, an SMTP server and a TSA
    WHEN Alice opens a case on her phone, attempts are sealed, the person sets e-mail alerts
    and sends a screenshot in Arabic, slots appear, Alice writes to the prefecture and builds
    the court bundle
    THEN the case shows a sealed attempt, the person gets the slot alert, the prefecture gets
    the approved e-mail, and the downloaded ZIP holds the requête and numbered exhibits."""
    phone.set_default_timeout(LONG)
    MailSettings.objects.create(  # the organisation's sending account, set once by its admin
        organisation=personas.group,
        host="127.0.0.1",
        port=settings.EMAIL_PORT,  # the `smtp` fixture points it at its own server
        security=MailSettings.Security.NONE,
        from_address="permanence@cimade-93.example",
    )
    booking_url = sim.url("legacy")
    settings.ALLOW_LOCAL_URLS = True  # the simulator serves on 127.0.0.1 (``--allow-local``)

    case = create_case(phone, live_server.url, booking_url)
    seal_attempts(phone, case)
    link = personal_link(phone)
    person_in_arabic(browser, link, smtp)
    slots_alert(sim, smtp, booking_url)
    write_to_prefecture(phone, smtp)
    court_bundle(phone, case)
