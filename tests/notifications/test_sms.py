"""SMS alerts through the provider an organisation set up (Octopush, a French service).

The provider's API is a local HTTPS server posing as api.octopush.com (smsgateway.py): Apprise's
real plugin builds and sends the request, through the transport's connection guard.
"""

import logging

import pytest
from django.db import connection
from django.utils import timezone

from creneau.catalog.models import BookingPage
from creneau.lib import urlsafety
from creneau.notifications import alerts, sms, transport
from creneau.notifications.models import AlertLog, NotificationChannel, SmsSettings
from tests.conftest import make_member
from tests.notifications.smsgateway import LOOPBACK
from tests.notifications.test_alerts import received
from tests.scheduling.conftest import follow

pytestmark = pytest.mark.django_db
URL = "https://www.rdv.93.gouv.fr/booking/create/9845"
SECRET = "octo-Secret-Key-0xC0FFEE"
LOGIN = "envoi@cimade93.example"
NUMBER = "+33612345678"


@pytest.fixture
def page(db):
    return BookingPage.objects.create(url=URL, system="legacy", label="Préfecture de Bobigny")


@pytest.fixture
def octopush(personas):
    return SmsSettings.objects.create(
        organisation=personas.group,
        provider="octopush",
        login=LOGIN,
        secret=SECRET,
        sender="CIMADE93",
    )


def sms_case(page, personas, language="fr"):
    case = follow(page, personas)
    case.person.preferred_language = language
    case.person.save()
    NotificationChannel.objects.create(
        person=case.person, label="sms", urls=sms.channel_url(NUMBER)
    )
    return case


def test_a_person_gets_the_slot_alert_by_sms_through_the_organisations_provider(
    page, personas, octopush, sms_gateway, caplog
):
    """GIVEN an organisation with an Octopush account and a person who gave their number
    WHEN slots appear THEN one short SMS in the person's language goes through the provider,
    with the organisation's account, and neither the key nor the number reaches the logs."""
    case = sms_case(page, personas, language="ar")
    caplog.set_level(logging.DEBUG)
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    [request] = sms_gateway.received
    assert request["headers"]["api-key"] == SECRET
    assert request["headers"]["api-login"] == LOGIN
    assert request["json"]["recipients"] == [{"phone_number": NUMBER}]
    assert request["json"]["sender"] == "CIMADE93"
    text = request["json"]["text"]
    assert text.startswith("Créneau: تُعرض مواعيد الآن") and URL in text and case.reference in text
    assert len(text) < 200 and "\u00a0" not in text
    log = AlertLog.objects.get(case=case, recipient="person")
    channel = NotificationChannel.objects.get()
    assert (log.result, log.target, log.language) == ("delivered", f"channel:{channel.pk}", "ar")
    logged = "\n".join(r.getMessage() for r in caplog.records) + log.error
    assert "Octopush" in logged
    assert SECRET not in logged and "612345678" not in logged


def test_the_provider_refusing_the_account_is_a_failure_without_the_key(
    page, personas, octopush, sms_gateway
):
    sms_gateway.status = 401
    case = sms_case(page, personas)
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    log = AlertLog.objects.get(case=case, recipient="person")
    assert log.result == "failed" and SECRET not in log.error
    delivery = transport.notify(alerts.channel_urls(NotificationChannel.objects.get()), "", "x")
    assert (delivery.delivered, delivery.reason) == (False, "rejected")


def test_an_sms_channel_that_cannot_be_used_falls_back_to_the_cases_email(page, personas, smtp):
    """No provider and no gateway: the SMS channel is logged as having none, and the alert goes
    to the case's e-mail address instead of nowhere."""
    case = sms_case(page, personas)
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    logs = AlertLog.objects.filter(case=case, recipient="person")
    channel = NotificationChannel.objects.get()
    results = dict(logs.values_list("target", "result"))
    assert results == {f"channel:{channel.pk}": "no_channel", "email": "delivered"}
    assert len(received(smtp, case.person.email)) == 1


def test_the_providers_address_is_checked_when_apprise_connects(
    page, personas, octopush, monkeypatch, caplog
):
    """The provider's host is fixed by Apprise, yet its name must still lead to a public
    address at connection time: here it resolves to 127.0.0.1 and nothing is sent."""
    monkeypatch.setattr(urlsafety, "resolve", lambda host, port: [LOOPBACK])
    caplog.set_level(logging.WARNING)
    channel = sms_case(page, personas).person.notification_channels.get()

    delivery = transport.notify(alerts.channel_urls(channel), "", "essai")

    assert (delivery.delivered, delivery.reason) == (False, "unreachable")
    assert "connection to api.octopush.com refused" in caplog.text


def test_the_organisations_account_is_encrypted_at_rest(octopush):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT login, secret FROM notifications_smssettings WHERE id = %s", [octopush.pk]
        )
        stored = " ".join(cursor.fetchone())
    assert SECRET not in stored and LOGIN not in stored


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 (0)7 12 34 56 78", "+33712345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("+216 20 123 456", "+21620123456"),
        ("00 216 20 123 456", "+21620123456"),
        ("01 23 45 67 89", ""),  # a landline: no SMS
        ("pas de téléphone", ""),
        ("12345", ""),
    ],
)
def test_numbers_are_read_as_people_write_them(written, number):
    assert sms.normalise(written) == number


def test_an_organisation_admin_sets_up_the_account_and_sends_a_test(personas, sms_gateway):
    dora = personas.client_for(make_member("dora", personas.group, role="admin"))
    path = f"/compte/sms/{personas.group.slug}/"
    fields = {"provider": "octopush", "login": LOGIN, "secret": SECRET, "sender": "CIMADE93"}

    saved = dora.post(path, fields | {"enabled": "on"}, follow=True)
    page = saved.content.decode()
    assert "Service d&#x27;envoi de SMS enregistré" in page and SECRET not in page
    dora.post(path, fields | {"secret": "", "sender": "ASSO93", "enabled": "on"})
    account = SmsSettings.objects.get(organisation=personas.group)
    assert (account.secret, account.sender) == (SECRET, "ASSO93")  # blank keeps the key

    tested = dora.post(path + "essai/", {"number": "06 12 34 56 78"}, follow=True)

    assert "SMS d&#x27;essai remis au service d&#x27;envoi" in tested.content.decode()
    assert sms_gateway.received[0]["json"]["recipients"] == [{"phone_number": NUMBER}]


def test_only_the_organisations_admins_reach_its_sms_account(personas, octopush):
    path = f"/compte/sms/{personas.group.slug}/"
    other_admin = make_member("erin", personas.other_group, role="admin")

    assert personas.client_for(personas.alice).get(path).status_code == 404  # a volunteer
    outsider = personas.client_for(other_admin)
    assert outsider.get(path).status_code == 404
    assert outsider.post(path + "essai/", {"number": NUMBER}).status_code == 404


def test_an_account_apprise_cannot_use_is_refused_before_saving(personas):
    dora = personas.client_for(make_member("dora", personas.group, role="admin"))

    answer = dora.post(
        f"/compte/sms/{personas.group.slug}/",
        {"provider": "octopush", "login": "not-an-email", "secret": SECRET, "enabled": "on"},
    )

    assert answer.status_code == 400
    assert "refuse ce compte" in answer.content.decode()
    assert not SmsSettings.objects.exists()
