"""Every way a person gave is alerted, each once; an address given twice is written to once."""

import ipaddress
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from creneau.catalog.models import BookingPage
from creneau.lib import urlsafety
from creneau.notifications import alerts, transport
from creneau.notifications.models import AlertLog, NotificationChannel
from tests.notifications.test_alerts import received
from tests.scheduling.conftest import Mailbox, follow

pytestmark = pytest.mark.django_db
URL = "https://www.rdv.93.gouv.fr/booking/create/9845"
PUBLIC = ipaddress.ip_address("93.184.215.14")
LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.fixture
def page(db):
    return BookingPage.objects.create(url=URL, system="legacy", label="Préfecture de Bobigny")


@pytest.fixture
def ntfy_server(monkeypatch) -> Iterator[list[bytes]]:
    """A local ntfy server posing as ntfy.association.example: the bodies it received."""
    bodies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setattr(transport, "ROUTES", {"ntfy.association.example": LOOPBACK})
    monkeypatch.setattr(urlsafety, "resolve", lambda host, port: [PUBLIC])
    bodies.append(str(httpd.server_address[1]).encode())
    yield bodies
    httpd.shutdown()
    httpd.server_close()


def test_every_channel_of_the_person_gets_the_slot_alert(
    page, personas, smtp: Mailbox, ntfy_server
):
    """GIVEN a person who gave an e-mail, a second e-mail and an ntfy topic WHEN slots appear
    THEN each of the three receives the alert (before, only the first one did)."""
    case = follow(page, personas)
    port = ntfy_server.pop(0).decode()
    for urls in (
        transport.mail_url("aminata@personne.example"),
        transport.mail_url("frere.aminata@personne.example"),
        f"ntfy://ntfy.association.example:{port}/rdv-aminata",
    ):
        NotificationChannel.objects.create(person=case.person, urls=urls)
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    assert len(received(smtp, "aminata@personne.example")) == 1
    assert len(received(smtp, "frere.aminata@personne.example")) == 1
    assert len(ntfy_server) == 1 and URL.encode() in ntfy_server[0]
    logs = AlertLog.objects.filter(case=case, recipient="person")
    assert sorted(logs.values_list("result", flat=True)) == ["delivered"] * 3

    alerts.send_slot_alerts(episode.pk)  # a retried task alerts nobody twice

    assert len(received(smtp, "aminata@personne.example")) == 1 and len(ntfy_server) == 1


def test_an_address_given_in_two_channels_is_written_to_once(page, personas, smtp: Mailbox):
    case = follow(page, personas)
    for _ in range(2):
        NotificationChannel.objects.create(
            person=case.person, urls=transport.mail_url("Aminata@personne.example")
        )
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    assert len(received(smtp, "Aminata@personne.example")) == 1
    assert AlertLog.objects.filter(case=case, recipient="person").count() == 1


def test_the_volunteer_gets_the_alert_on_each_of_their_channels(page, personas, smtp: Mailbox):
    follow(page, personas)
    for address in ("alice@cimade93.example", "alice.perso@example.org"):
        NotificationChannel.objects.create(user=personas.alice, urls=transport.mail_url(address))
    episode = alerts.open_episode(page, timezone.now())

    alerts.send_slot_alerts(episode.pk)

    assert len(received(smtp, "alice@cimade93.example")) == 1
    assert len(received(smtp, "alice.perso@example.org")) == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", "le 4 mars 2026 à 10:07"),
        ("en", "on March 4, 2026 at 10:07"),
        ("es", "el 4 de marzo de 2026 a las 10:07"),
    ],
)
def test_the_volunteers_message_says_the_day_and_the_hour_as_its_language_writes_them(
    page, personas, language, words
):
    case = follow(page, personas)
    episode = alerts.open_episode(page, datetime(2026, 3, 4, 9, 7, tzinfo=UTC))
    recipient = alerts.Recipient("volunteer", (), language)

    message = alerts.slot_message(case, episode, recipient)

    assert words in message.body
    assert ".." not in message.body


def test_the_reminder_reaches_every_channel_too(page, personas, smtp: Mailbox, ntfy_server):
    case = follow(page, personas)
    port = ntfy_server.pop(0).decode()
    for urls in (
        transport.mail_url("aminata@personne.example"),
        f"ntfy://ntfy.association.example:{port}/rdv-aminata",
    ):
        NotificationChannel.objects.create(person=case.person, urls=urls)
    link = "https://creneau.example/tentative/abc/"

    logs = alerts.send_reminder(case, link, timezone.now())

    assert sorted(log.result for log in logs) == ["delivered", "delivered"]
    assert link in received(smtp, "aminata@personne.example")[0]
    assert len(ntfy_server) == 1 and link.encode() in ntfy_server[0]


def test_a_failed_channel_is_retried_alone_and_the_others_are_not_alerted_twice(
    page, personas, smtp: Mailbox, ntfy_server
):
    """One episode, two channels: the ntfy server is down the first time. A retry of the task
    sends to ntfy only; the e-mail already delivered is not sent again."""
    case = follow(page, personas)
    port = ntfy_server.pop(0).decode()
    mail = NotificationChannel.objects.create(
        person=case.person, urls=transport.mail_url("aminata@personne.example")
    )
    ntfy = NotificationChannel.objects.create(
        person=case.person, urls="ntfy://ntfy.association.example:9/rdv-aminata"
    )
    episode = alerts.open_episode(page, timezone.now())
    alerts.send_slot_alerts(episode.pk)
    logs = AlertLog.objects.filter(case=case, recipient="person")
    results = dict(logs.values_list("target", "result"))
    assert results == {f"channel:{ntfy.pk}": "failed", f"channel:{mail.pk}": "delivered"}

    ntfy.urls = f"ntfy://ntfy.association.example:{port}/rdv-aminata"  # the server is back
    ntfy.save()
    alerts.send_slot_alerts(episode.pk)

    assert len(received(smtp, "aminata@personne.example")) == 1
    assert len(ntfy_server) == 1
    delivered = logs.filter(result="delivered")
    assert sorted(delivered.values_list("target", flat=True)) == sorted(results)
