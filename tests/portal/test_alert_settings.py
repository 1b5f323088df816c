"""The person chooses how to be told that slots appeared: e-mail, ntfy, Telegram or Signal."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from creneau.notifications.models import NotificationChannel
from creneau.portal import access
from tests.conftest import Personas, make_case
from tests.portal.conftest import open_portal
from tests.scheduling.conftest import (
    Mailbox,
    smtp,  # noqa: F401 (a real SMTP server on 127.0.0.1)
)
from tests.scheduling.test_watching import wait_for_mail

pytestmark = pytest.mark.django_db
TELEGRAM = "tgram://123456789:abcdefg_hijklmnop/12315544/"


def portal_of(personas: Personas, email: str, **overrides: Any) -> Client:
    case = make_case(personas.group, **overrides)
    case.person.email = email
    case.person.save()
    return open_portal(access.issue(case.person, None, None).token)


def test_the_form_is_prefilled_with_the_email_of_the_case(personas, person, alice_case):
    alice_case.person.email = "aminata@personne.example"
    alice_case.person.save()

    page = person.get("/p/alertes/").content.decode()

    assert 'value="aminata@personne.example"' in page


def test_a_person_adds_channels_and_sees_only_their_own(personas, smtp: Mailbox):  # noqa: F811
    """GIVEN two people with their own links WHEN one adds an e-mail and a Telegram address
    THEN both are stored encrypted for that person only, and the other sees none of them."""
    aminata = portal_of(personas, "aminata@personne.example")
    samir = portal_of(personas, "samir@personne.example", family_name="Haddad")

    response = aminata.post(
        "/p/alertes/", {"email": "aminata@personne.example", "advanced": TELEGRAM}, follow=True
    )

    assert "est noté : vous serez prévenu" in response.content.decode()
    channels = NotificationChannel.objects.all()
    assert {c.person.email for c in channels} == {"aminata@personne.example"}
    assert sorted(c.label for c in channels) == ["email", "telegram"]
    assert "aminata@personne.example" in response.content.decode()
    assert "12315544" not in response.content.decode()  # the token is never shown back
    other = samir.get("/p/alertes/").content.decode()
    assert "aminata@" not in other and "Telegram</strong>" not in other
    first = channels.first()
    assert samir.post(f"/p/alertes/{first.pk}/supprimer/").status_code == 404
    assert samir.post(f"/p/alertes/{first.pk}/essai/").status_code == 404
    assert NotificationChannel.objects.count() == 2
    assert smtp.messages == []


def test_a_test_message_reaches_the_smtp_server(personas, smtp: Mailbox):  # noqa: F811
    aminata = portal_of(personas, "aminata@personne.example")
    aminata.post("/p/alertes/", {"email": "aminata@personne.example"})
    channel = NotificationChannel.objects.get()

    response = aminata.post(f"/p/alertes/{channel.pk}/essai/", follow=True)

    assert "essai envoyé" in response.content.decode()
    assert "Ceci est un essai" in wait_for_mail(smtp, "aminata@personne.example", 1)[0]


def test_a_failed_test_message_says_so(personas, settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.NOTIFY_MAIL_URL = "127.0.0.1", 9, ""
    aminata = portal_of(personas, "aminata@personne.example")
    aminata.post("/p/alertes/", {"email": "aminata@personne.example"})
    channel = NotificationChannel.objects.get()

    response = aminata.post(f"/p/alertes/{channel.pk}/essai/", follow=True)

    page = response.content.decode()
    assert "essai n&#x27;est pas parti : le service d&#x27;envoi n&#x27;a pas répondu" in page
    for raw in ("WARNING", "Connection error", "Errno", "127.0.0.1", "mailto"):
        assert raw not in page  # before: « 2026-12-03 14:24:31,788 - WARNING - A Connection… »


def test_a_failed_test_message_is_explained_in_the_persons_language(personas, settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.NOTIFY_MAIL_URL = "127.0.0.1", 9, ""
    aminata = portal_of(personas, "aminata@personne.example")
    aminata.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    aminata.post("/p/alertes/", {"email": "aminata@personne.example"})
    channel = NotificationChannel.objects.get()

    page = aminata.post(f"/p/alertes/{channel.pk}/essai/", follow=True).content.decode()

    assert 'lang="ar" dir="rtl"' in page
    assert "لم تُرسَل الرسالة التجريبية" in page and "WARNING" not in page


def test_saving_the_same_address_again_adds_no_second_channel(personas):
    """Before, the form came back pre-filled with the case's e-mail and each save added one more
    identical channel."""
    aminata = portal_of(personas, "aminata@personne.example")
    aminata.post("/p/alertes/", {"email": "aminata@personne.example"})

    again = aminata.post("/p/alertes/", {"email": "Aminata@Personne.example"}, follow=True)

    assert NotificationChannel.objects.count() == 1
    assert "Vous êtes déjà prévenu de cette façon" in again.content.decode()
    assert 'value="aminata@personne.example"' not in again.content.decode()  # not offered again


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("advanced", "tgram://bad", "Cette adresse n&#x27;est pas valide"),
        ("advanced", "json://example.org/hook", "Seules les adresses Telegram"),
        ("advanced", "signal://127.0.0.1:8080/+33600000000", "serveur local"),
        ("ntfy", "https://ntfy.sh/", "Recopiez l&#x27;adresse https://"),
        ("ntfy", "https://localhost/topic", "serveur local"),
        ("email", "", "Remplissez au moins"),
    ],
)
def test_an_invalid_address_is_refused_with_a_clear_message(personas, field, value, error):
    aminata = portal_of(personas, "aminata@personne.example")

    response = aminata.post("/p/alertes/", {field: value})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not NotificationChannel.objects.exists()


def test_a_person_removes_a_channel(personas):
    aminata = portal_of(personas, "aminata@personne.example")
    aminata.post("/p/alertes/", {"ntfy": "https://ntfy.sh/aminata-rdv"})
    channel = NotificationChannel.objects.get()
    assert channel.urls == "ntfys://ntfy.sh/aminata-rdv"

    aminata.post(f"/p/alertes/{channel.pk}/supprimer/")

    assert not NotificationChannel.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Add a way to be alerted", "Send me a test"),
        ("ar", "إضافة وسيلة تنبيه", "أرسل لي رسالة تجريبية"),
        ("es", "Añadir un medio de aviso", "Enviarme una prueba"),
    ],
)
def test_the_page_speaks_the_persons_language(personas, language, heading, button):
    aminata = portal_of(personas, "aminata@personne.example")
    aminata.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    aminata.post("/p/alertes/", {"email": "aminata@personne.example"})

    page = aminata.get("/p/alertes/").content.decode()

    assert heading in page and button in page
    assert NotificationChannel.objects.get().language == language
