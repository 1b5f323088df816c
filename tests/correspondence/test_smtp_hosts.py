"""The organisation's SMTP server must be public unless the operator allows local ones, and a
remote server's own words are never shown back (they may come from an internal service)."""

import socket
import threading
from collections.abc import Iterator

import pytest
from django.urls import reverse

from creneau.accounts.models import MailSettings
from creneau.correspondence import mailer
from tests.correspondence.test_settings_and_panel import admin_form, staff_admin

pytestmark = pytest.mark.django_db
MESSAGE = b"From: a@x.example\r\nTo: b@x.example\r\nSubject: x\r\n\r\ntext\r\n"


@pytest.fixture
def internal_service() -> Iterator[tuple[int, list[bytes]]]:
    """A local TCP service that is no SMTP server: it greets like a web server."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                seen.append(b"connected")
                conn.sendall(b"HTTP/1.0 200 OK secret-internal-banner\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], seen
    stop.set()
    thread.join()
    listener.close()


def test_an_admin_cannot_point_the_smtp_settings_at_a_local_address(personas, settings):
    settings.ALLOW_LOCAL_SMTP = False
    client = personas.client_for(staff_admin("dana", personas.group))

    response = client.post(
        reverse("admin:accounts_mailsettings_add"),
        admin_form(organisation=personas.group.pk, host="127.0.0.1", port="18999"),
    )

    assert response.status_code == 200
    assert "adresse locale ou privée" in response.content.decode()
    assert not MailSettings.objects.exists()


def test_a_stored_local_smtp_host_is_refused_without_connecting(
    personas, settings, internal_service
):
    settings.ALLOW_LOCAL_SMTP = False
    port, seen = internal_service
    account = MailSettings(host="127.0.0.1", port=port, security="none", from_address="a@x.ex")

    with pytest.raises(mailer.MailError, match="adresse locale ou privée"):
        mailer.send(account, mailer.Envelope("a@x.example", "b@x.example", MESSAGE))

    assert seen == []


def test_the_remote_banner_of_a_server_is_never_echoed(settings, internal_service):
    settings.ALLOW_LOCAL_SMTP = True  # the operator allows a local relay
    port, _ = internal_service
    account = MailSettings(host="127.0.0.1", port=port, security="none", from_address="a@x.ex")

    with pytest.raises(mailer.MailError) as refused:
        mailer.send(account, mailer.Envelope("a@x.example", "b@x.example", MESSAGE))

    assert "200 OK" not in str(refused.value)
    assert "secret-internal-banner" not in str(refused.value)
    assert "Le courriel n'est pas parti" in str(refused.value)
