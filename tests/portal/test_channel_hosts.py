"""Alert channels name their own server: it must be public when saved, and still when sent.

Names are resolved for real: this machine's own host name resolves to a loopback address
through /etc/hosts, and ``.invalid`` never resolves (RFC 6761). Where DNS must *change* between
saving and sending, a stand-in answers at :func:`creneau.lib.urlsafety.resolve`, the one
function the form and the send both call.
"""

import ipaddress
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from creneau.cases.models import Case
from creneau.lib import urlsafety
from creneau.notifications import alerts, transport
from creneau.notifications.models import AlertLog, NotificationChannel
from tests.conftest import Personas, make_case
from tests.portal.test_alert_settings import portal_of
from tests.scheduling.conftest import (
    Mailbox,
    smtp,  # noqa: F401 (a real SMTP server on 127.0.0.1)
)
from tests.scheduling.test_watching import wait_for_mail

pytestmark = pytest.mark.django_db


def local_name() -> str:
    """This machine's host name, when it resolves (through /etc/hosts) to a non-public address."""
    name = socket.gethostname()
    try:
        addresses = urlsafety.resolve(name, 443)
    except urlsafety.UnsafeURLError:
        pytest.skip(f"{name} does not resolve on this machine")
    if all(urlsafety.is_public(a) for a in addresses):
        pytest.skip(f"{name} resolves to public addresses only")
    return name


@pytest.fixture
def listener() -> Iterator[list[str]]:
    """A local HTTP server standing for a private ntfy server: it lists what reaches it."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_PUT = do_GET = do_POST

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    seen.append(str(httpd.server_address[1]))  # seen[0]: the port
    yield seen
    httpd.shutdown()


def remind(personas: Personas, urls: str, email: str = "") -> list[AlertLog]:
    case = make_case(personas.group)
    case.person.email = email
    case.person.save()
    NotificationChannel.objects.create(person=case.person, urls=urls)
    return alerts.send_reminder(case, "https://creneau.example/p/x/", timezone.now() + timedelta(1))


def test_a_signal_server_whose_name_resolves_to_a_local_address_is_refused(personas):
    value = f"signal://{local_name()}:8080/+33600000000"

    response = portal_of(personas, "aminata@personne.example").post(
        "/p/alertes/", {"advanced": value}
    )

    assert response.status_code == 400
    assert "serveur local" in response.content.decode()
    assert not NotificationChannel.objects.exists()


@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "fd00::1", "127.0.0.1"])
def test_a_ntfy_server_whose_name_resolves_to_a_private_address_is_refused(
    personas, monkeypatch, address
):
    asked: list[str] = []
    monkeypatch.setattr(
        urlsafety,
        "resolve",
        lambda host, port: asked.append(host) or [ipaddress.ip_address(address)],
    )
    aminata = portal_of(personas, "aminata@personne.example")

    response = aminata.post("/p/alertes/", {"ntfy": "https://ntfy.interne.example/rdv"})

    assert response.status_code == 400
    assert "serveur local" in response.content.decode()
    assert asked == ["ntfy.interne.example"]
    assert not NotificationChannel.objects.exists()


def test_a_server_name_that_does_not_resolve_is_refused_with_a_clear_message(personas):
    aminata = portal_of(personas, "aminata@personne.example")

    response = aminata.post("/p/alertes/", {"ntfy": "https://ntfy.nulle-part.invalid/rdv"})

    assert response.status_code == 400
    assert "Le serveur « ntfy.nulle-part.invalid » est introuvable" in response.content.decode()
    assert not NotificationChannel.objects.exists()


def test_a_send_to_a_server_now_resolving_to_a_local_address_is_a_logged_failure(
    personas, listener, monkeypatch
):
    """GIVEN a ntfy server accepted when saved WHEN its name later resolves to 127.0.0.1 THEN
    the reminder is not sent there, and the log says it failed and why."""
    port = listener[0]
    answers = iter([[ipaddress.ip_address("93.184.215.14")]])
    monkeypatch.setattr(
        urlsafety, "resolve", lambda host, p: next(answers, [ipaddress.ip_address("127.0.0.1")])
    )
    aminata = portal_of(personas, "")
    aminata.post("/p/alertes/", {"ntfy": f"https://ntfy.association.example:{port}/rdv"})
    channel = NotificationChannel.objects.get()
    # The local listener can only be reached on plain http: same host and port, same check.
    channel.urls = f"ntfy://ntfy.association.example:{port}/rdv"
    channel.save()

    case = Case.objects.get(person=channel.person)
    logs = alerts.send_reminder(case, "https://creneau.example/p/x/", timezone.now())

    assert [(log.result, log.recipient) for log in logs] == [("failed", "person")]
    assert "refused" in logs[0].error and "127.0.0.1" in logs[0].error
    assert listener[1:] == []  # nothing reached the local server


def test_a_refused_channel_beside_a_working_one_is_still_named_in_the_log(
    personas,
    smtp: Mailbox,  # noqa: F811
):
    name = local_name()
    urls = f"ntfys://{name}/rdv\n{transport.mail_url('aminata@personne.example')}"

    logs = remind(personas, urls)

    assert [log.result for log in logs] == ["delivered"]
    assert logs[0].error.startswith(f"refused: « {name} » mène à ")
    assert wait_for_mail(smtp, "aminata@personne.example", 1)


def test_mail_channels_and_hosted_services_are_not_resolved(monkeypatch):
    def no_dns(host: str, port: int) -> list[Any]:
        raise AssertionError(f"{host} should not be resolved")

    monkeypatch.setattr(urlsafety, "resolve", no_dns)
    assert transport.refused_server("mailto://127.0.0.1:25?to=x@y.example") == ""
    assert transport.refused_server("tgram://123456:SECRET/42") == ""
    assert transport.refused_server("ntfys://ntfy.sh/creneau") == ""
    assert transport.refused_server("ntfy://mon-sujet") == ""  # the topic, on ntfy.sh


@pytest.mark.parametrize(
    "value",
    [
        "signal://a@127.0.0.1:18999@ntfy.sh/+33600000000/+33600000001",
        "signal://a@169.254.169.254:80@ntfy.sh/+33600000000",
    ],
)
def test_an_advanced_address_that_hides_a_second_server_is_refused(personas, value):
    """The check used to read the host after the last « @ » (ntfy.sh); Apprise connects to the
    first: such an address is refused outright, whatever it names."""
    response = portal_of(personas, "aminata@personne.example").post(
        "/p/alertes/", {"advanced": value}
    )

    assert response.status_code == 400
    assert "ambiguë" in response.content.decode()
    assert not NotificationChannel.objects.exists()


def test_a_ntfy_address_that_hides_a_second_server_is_refused(personas):
    aminata = portal_of(personas, "aminata@personne.example")

    response = aminata.post("/p/alertes/", {"ntfy": "https://a@127.0.0.1:18999@ntfy.sh/rdv"})

    assert response.status_code == 400
    assert not NotificationChannel.objects.exists()
