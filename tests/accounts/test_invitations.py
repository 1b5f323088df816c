"""A new member's invitation by e-mail, through a real SMTP server on 127.0.0.1: the
organisation's own sender when it has one, else the site's; a link that says until when it
is valid, never a password; sent again on demand; audited."""

import email
import email.policy
import re
from email.message import EmailMessage

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from creneau.accounts.models import AuditEvent, MailSettings, Member
from tests.conftest import make_member
from tests.scheduling.conftest import free_port

pytestmark = pytest.mark.django_db
SITE = "https://creneau.cimade-93.example"


@pytest.fixture
def admin_client(org_admin, settings) -> Client:
    settings.SITE_URL = SITE
    client = Client()
    client.force_login(org_admin)
    return client


@pytest.fixture
def org_mail(personas, settings, smtp):
    return MailSettings.objects.create(
        organisation=personas.group,
        host=settings.EMAIL_HOST,
        port=settings.EMAIL_PORT,
        security=MailSettings.Security.NONE,
        from_address="permanence@cimade-93.example",
    )


def add(client: Client, personas, username: str = "fatou", address: str = "fatou@example.org"):
    return client.post(
        reverse("organisation-add-member", args=[personas.group.slug]),
        {"username": username, "email": address, "role": "volunteer"},
    )


def invite_url(personas, username: str = "fatou") -> str:
    member = Member.objects.get(user__username=username, organisation=personas.group)
    return reverse("organisation-member-invite", args=[personas.group.slug, member.pk])


def received(smtp, address: str) -> list[EmailMessage]:
    return [email.message_from_string(raw, policy=email.policy.default) for raw in smtp.to(address)]


def body_of(message: EmailMessage) -> str:
    content = message.get_content()
    assert isinstance(content, str)
    return content


def test_the_invitation_leaves_from_the_organisations_sender_with_the_link_and_its_expiry(
    personas,
    admin_client,
    org_mail,
    smtp,
):
    page = add(admin_client, personas).content.decode()
    assert "Envoyer l'invitation à fatou@example.org" in page

    response = admin_client.post(invite_url(personas), follow=True)

    assert "Invitation envoyée à fatou@example.org (depuis permanence@cimade-93.example)" in (
        response.content.decode()
    )
    [message] = received(smtp, "fatou@example.org")
    assert message["From"] == "permanence@cimade-93.example"
    assert message["Subject"] == "Votre compte Créneau — Cimade Saint-Denis"
    text = body_of(message)
    assert "diane vous a créé un compte sur Créneau pour Cimade Saint-Denis" in text
    assert "identifiant de connexion : fatou" in text
    assert "Ce lien sert une seule fois et reste valable 3 jours, jusqu'au" in text
    assert "Aucun mot de passe n'est jamais envoyé par courriel" in text
    link = re.search(rf"{re.escape(SITE)}(/compte/mot-de-passe/\S+/)", text)
    assert link, text
    form_page = Client().get(link[1], follow=True)
    assert "Choisir votre mot de passe" in form_page.content.decode()
    event = AuditEvent.objects.get(detail="invitation envoyée par courriel : fatou")
    assert event.organisation == personas.group and event.actor == "diane"


def test_without_an_organisation_server_the_site_sends_it(
    personas,
    admin_client,
    smtp,
    settings,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "alertes@creneau.example"
    add(admin_client, personas)

    admin_client.post(invite_url(personas))

    [message] = received(smtp, "fatou@example.org")
    assert message["From"] == "alertes@creneau.example"
    assert f"{SITE}/compte/mot-de-passe/" in body_of(message)


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(
    personas,
    admin_client,
    org_mail,
    smtp,
):
    add(admin_client, personas)
    listed = admin_client.get(reverse("organisation-settings", args=[personas.group.slug]))
    assert "Envoyer l'invitation par courriel" in listed.content.decode()

    admin_client.post(invite_url(personas))
    admin_client.post(invite_url(personas))
    assert len(received(smtp, "fatou@example.org")) == 2

    fatou = User.objects.get(username="fatou")
    fatou.set_password("un long mot de passe bien à moi")
    fatou.save()
    refused = admin_client.post(invite_url(personas), follow=True).content.decode()
    assert "déjà choisi son mot de passe" in refused
    assert len(received(smtp, "fatou@example.org")) == 2


def test_a_server_that_does_not_answer_is_said_and_nothing_is_audited(
    personas, admin_client, org_mail
):
    MailSettings.objects.filter(pk=org_mail.pk).update(port=free_port())
    add(admin_client, personas)

    response = admin_client.post(invite_url(personas), follow=True).content.decode()

    assert "L&#x27;invitation n&#x27;est pas partie" in response
    assert "Nouveau lien" in response
    assert not AuditEvent.objects.filter(detail__startswith="invitation").exists()


def test_a_member_without_an_address_has_no_invitation_button(personas, admin_client, org_mail):
    page = add(admin_client, personas, address="").content.decode()
    assert "Envoyer l'invitation" not in page

    response = admin_client.post(invite_url(personas), follow=True).content.decode()

    assert "Ce compte n&#x27;a pas d&#x27;adresse électronique." in response


def test_another_organisations_admin_cannot_send_an_invitation(personas, admin_client, org_mail):
    add(admin_client, personas)
    outsider = Client()
    outsider.force_login(make_member("eve", personas.other_group, role=Member.Role.ADMIN))
    alice = personas.client_for(personas.alice)

    assert outsider.post(invite_url(personas)).status_code == 404
    assert alice.post(invite_url(personas)).status_code == 404
