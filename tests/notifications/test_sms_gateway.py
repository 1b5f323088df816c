"""SMS through the operator's generic HTTP gateway (CRENEAU_SMS_GATEWAY_URL), for organisations
that set up no provider of their own.

The gateway is a real local HTTP server posing as sms.gateway.example (smsgateway.py): Apprise
posts the JSON, through the transport's connection guard.
"""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from creneau.catalog.models import BookingPage
from creneau.notifications import alerts, sms, transport
from creneau.notifications.models import AlertLog, NotificationChannel, SmsSettings
from creneau.portal import access
from tests.conftest import make_case
from tests.notifications.smsgateway import GATEWAY_HOST, LOOPBACK
from tests.portal.conftest import open_portal
from tests.scheduling.conftest import follow

pytestmark = pytest.mark.django_db
URL = "https://www.rdv.93.gouv.fr/booking/create/9845"
TOKEN = "gw-Token-5f3a9c"
NUMBER = "+33612345678"


@pytest.fixture
def page(db):
    return BookingPage.objects.create(url=URL, system="legacy", label="Préfecture de Bobigny")


@pytest.fixture
def gateway(settings, http_gateway):
    settings.SMS_GATEWAY_URL = f"http://{GATEWAY_HOST}/api/send?account=asso93"
    settings.SMS_GATEWAY_TOKEN = TOKEN
    settings.SMS_SENDER = "CRENEAU"
    return http_gateway


def sms_case(page, personas, language="fr"):
    case = follow(page, personas)
    case.person.preferred_language = language
    case.person.save()
    NotificationChannel.objects.create(
        person=case.person, label="sms", urls=sms.channel_url(NUMBER)
    )
    return case


def test_the_slot_alert_goes_to_the_operators_gateway_as_one_json_post(
    page, personas, gateway, caplog
):
    """GIVEN no provider of the organisation and the operator's gateway WHEN slots appear THEN
    the gateway receives {to, text, sender} with the bearer token, and neither the token nor the
    number reaches the logs."""
    case = sms_case(page, personas, language="es")
    caplog.set_level(logging.DEBUG)

    alerts.send_slot_alerts(alerts.open_episode(page, timezone.now()).pk)

    [request] = gateway.received
    assert request["path"] == "/api/send?account=asso93"
    assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert set(request["json"]) == {"to", "text", "sender"}
    assert (request["json"]["to"], request["json"]["sender"]) == (NUMBER, "CRENEAU")
    text = request["json"]["text"]
    assert URL in text and case.reference in text and "\u00a0" not in text and len(text) < 200
    log = AlertLog.objects.get(case=case, recipient="person")
    assert (log.result, log.language) == ("delivered", "es")
    logged = "\n".join(r.getMessage() for r in caplog.records) + log.error
    assert TOKEN not in logged and "612345678" not in logged


def test_the_reminder_goes_by_sms_too(page, personas, gateway):
    case = sms_case(page, personas)
    expires = timezone.now() + timedelta(hours=4)

    [log] = alerts.send_reminder(case, "https://creneau.example/p/essai/abc", expires)

    [request] = gateway.received
    assert log.result == "delivered"
    assert "https://creneau.example/p/essai/abc" in request["json"]["text"]
    assert "Créneau" in request["json"]["text"]


def test_the_organisations_own_provider_wins_over_the_gateway(page, personas, gateway, sms_gateway):
    SmsSettings.objects.create(
        organisation=personas.group,
        provider="octopush",
        login="envoi@asso.example",
        secret="k" * 12,
    )
    sms_case(page, personas)

    alerts.send_slot_alerts(alerts.open_episode(page, timezone.now()).pk)

    assert len(sms_gateway.received) == 1 and gateway.received == []


def test_a_gateway_error_is_a_failure_said_in_one_word(page, personas, gateway):
    gateway.status = 500
    case = sms_case(page, personas)

    alerts.send_slot_alerts(alerts.open_episode(page, timezone.now()).pk)

    log = AlertLog.objects.get(case=case, recipient="person")
    assert log.result == "failed" and TOKEN not in log.error
    channel = NotificationChannel.objects.get()
    delivery = transport.notify(alerts.channel_urls(channel), "", "essai")
    assert (delivery.delivered, delivery.reason) == (False, "rejected")


def test_a_gateway_that_does_not_answer_is_unreachable(page, personas, settings, monkeypatch):
    settings.SMS_GATEWAY_URL = f"http://{GATEWAY_HOST}/api/send"
    monkeypatch.setattr(transport, "ROUTES", {GATEWAY_HOST: (LOOPBACK, 9)})
    channel = sms_case(page, personas).person.notification_channels.get()

    delivery = transport.notify(alerts.channel_urls(channel), "", "essai")

    assert (delivery.delivered, delivery.reason) == (False, "unreachable")


def portal(personas):
    case = make_case(personas.group)
    return open_portal(access.issue(case.person, None, None).token)


def test_the_portal_offers_sms_and_shows_the_number_masked(personas, gateway):
    client = portal(personas)

    form = client.get("/p/alertes/").content.decode()
    assert 'name="phone"' in form
    client.post("/p/alertes/", {"phone": "07 98 76 54 32"})

    shown = client.get("/p/alertes/").content.decode()
    assert "+337••••••32" in shown and "798765432" not in shown and "98 76 54" not in shown
    assert NotificationChannel.objects.get().urls == sms.channel_url("+33798765432")


def test_the_portal_asks_no_number_when_no_sms_can_leave(personas, settings):
    settings.SMS_GATEWAY_URL = ""

    assert 'name="phone"' not in portal(personas).get("/p/alertes/").content.decode()


def test_numbers_are_masked_to_their_country_code_and_last_two_digits():
    assert sms.masked("+33612345678") == "+336••••••78"
    assert sms.masked("+21620123456") == "+216••••••56"


def test_the_portal_says_where_the_alert_goes_when_sms_stop(personas, settings):
    settings.SMS_GATEWAY_URL = ""
    case = make_case(personas.group)
    case.person.email = "aminata@personne.example"
    case.person.save()
    NotificationChannel.objects.create(
        person=case.person, label="sms", urls=sms.channel_url(NUMBER)
    )
    client = open_portal(access.issue(case.person, None, None).token)

    page = client.get("/p/alertes/").content.decode()

    assert "L'association n'envoie pas de SMS pour le moment" in page
    assert "l'alerte part à l'adresse e-mail de votre dossier" in page
