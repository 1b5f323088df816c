"""Slot alerts: recipients, languages, one per episode, and a log row for every send."""

import time

import pytest
from django.db import connection
from django.utils import timezone

from creneau.catalog.models import BookingPage
from creneau.notifications import alerts, transport
from creneau.notifications.models import AlertLog, NotificationChannel, SlotEpisode
from tests.scheduling.conftest import Mailbox, follow

pytestmark = pytest.mark.django_db
URL = "https://www.rdv.93.gouv.fr/booking/create/9845"


@pytest.fixture
def page(db):
    return BookingPage.objects.create(url=URL, system="legacy", label="Préfecture de Bobigny")


def received(mailbox: Mailbox, address: str, count: int = 1) -> list[str]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(mailbox.to(address)) < count:
        time.sleep(0.02)
    return mailbox.to(address)


def decoded(message: str) -> str:
    import email

    parsed = email.message_from_string(message)
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/plain"]
    return parts[0].get_payload(decode=True).decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Des rendez-vous sont proposés en ce moment"),
        ("en", "Appointments are being offered right now"),
        ("ar", "تُعرض مواعيد الآن"),
        ("es", "Ahora mismo se ofrecen citas"),
    ],
)
def test_the_person_is_alerted_in_their_language_with_the_booking_link(
    page, personas, smtp, language, expected
):
    case = follow(page, personas)
    case.person.preferred_language = language
    case.person.save()
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    body = decoded(received(smtp, case.person.email)[0])
    assert expected in body and URL in body and case.reference in body
    assert AlertLog.objects.get(case=case, recipient="person").language == language


def test_a_second_send_for_the_same_episode_alerts_nobody_again(page, personas, smtp):
    case = follow(page, personas)
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)
    alerts.send_slot_alerts(episode.pk)

    assert len(received(smtp, case.person.email)) == 1
    assert alerts.open_episode(page, timezone.now()) is None  # still open: no new episode


def test_an_episode_closes_on_no_slot_and_a_new_one_opens_on_slots(page):
    alerts.page_answered(page, "slots_available")
    alerts.page_answered(page, "slots_available")
    alerts.page_answered(page, "error")  # an error says nothing about the slots
    assert SlotEpisode.objects.filter(page=page, closed_at__isnull=True).count() == 1

    alerts.page_answered(page, "no_slot")
    alerts.page_answered(page, "slots_available")

    assert SlotEpisode.objects.filter(page=page).count() == 2


def test_a_person_channel_replaces_the_email_and_a_failure_is_logged(page, personas, smtp):
    case = follow(page, personas)
    NotificationChannel.objects.create(
        person=case.person, urls="mailto://127.0.0.1:9?to=x@y.example"
    )
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    log = AlertLog.objects.get(case=case, recipient="person")
    assert (log.result, bool(log.error)) == ("failed", True)
    assert smtp.to(case.person.email) == []


def test_the_volunteer_gets_their_own_alert_in_their_channel_language(page, personas, smtp):
    case = follow(page, personas)
    NotificationChannel.objects.create(
        user=personas.alice, urls=transport.mail_url("alice@cimade93.example"), language="en"
    )
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    body = decoded(received(smtp, "alice@cimade93.example")[0])
    assert f"Case {case.reference} follows this page" in body


def test_a_person_without_any_channel_is_logged_so_the_ui_can_ask_for_one(page, personas, smtp):
    case = follow(page, personas)
    case.person.email = ""
    case.person.save()
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    assert AlertLog.objects.get(case=case, recipient="person").result == "no_channel"


def test_channel_urls_are_encrypted_at_rest(personas):
    channel = NotificationChannel.objects.create(
        user=personas.alice, urls="tgram://123456:SECRET/42"
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT urls FROM notifications_notificationchannel WHERE id = %s", [channel.pk]
        )
        stored = cursor.fetchone()[0]
    assert "SECRET" not in stored
    assert NotificationChannel.objects.get(pk=channel.pk).url_list() == ["tgram://123456:SECRET/42"]


def test_apprise_urls_are_checked_by_the_seam():
    assert transport.is_valid("ntfys://ntfy.sh/creneau-test")
    assert not transport.is_valid("nonsense://x")
