import pytest

from creneau.accounts.models import MailSettings
from creneau.correspondence import mailer

MESSAGE = (
    b"From: a@cimade-93.example\r\nTo: b@example.org\r\nSubject: points\r\n\r\n"
    b".a line that starts with a dot\r\n..two dots\r\n.\r\nend\r\n"
)


def account(port: int) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, security="none", from_address="a@x.example")


def test_dot_stuffing_is_undone_by_the_server_so_the_bytes_arrive_unchanged(smtp_server):
    envelope = mailer.Envelope("a@cimade-93.example", "b@example.org", MESSAGE)
    mailer.send(account(smtp_server.port), envelope)
    assert smtp_server.messages[0].data == MESSAGE


@pytest.mark.parametrize("message", [b"Subject: x\n\nbare LF\r\n", b"Subject: x\r\n\r\nno end"])
def test_a_message_the_server_could_rewrite_is_refused_before_sending(smtp_server, message):
    with pytest.raises(ValueError, match="CRLF"):
        mailer.send(
            account(smtp_server.port), mailer.Envelope("a@x.example", "b@x.example", message)
        )
    assert smtp_server.messages == []


def test_starttls_on_a_server_without_it_is_a_clear_french_error(smtp_server):
    settings = account(smtp_server.port)
    settings.security = MailSettings.Security.STARTTLS
    with pytest.raises(mailer.MailError, match="ne propose pas STARTTLS"):
        mailer.send(settings, mailer.Envelope("a@x.example", "b@x.example", MESSAGE))
    assert smtp_server.messages == []
