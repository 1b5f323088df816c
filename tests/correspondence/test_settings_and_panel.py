import io
import json
from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from creneau.accounts.models import MailSettings
from creneau.correspondence.models import MailSchedule
from creneau.correspondence.sending import prepare_draft
from tests.conftest import make_member


def staff_admin(username, organisation):
    user = make_member(username, organisation, role="admin")
    user.is_staff = True
    user.save()
    return user


def admin_form(**overrides):
    data = {
        "host": "smtp.example.org",
        "port": "587",
        "security": "starttls",
        "username": "permanence",
        "password": "s3cret-smtp",
        "from_address": "permanence@cimade-93.example",
        "reply_to": "",
    }
    return data | overrides


def test_an_organisation_admin_sets_the_smtp_account_and_the_password_is_encrypted(personas):
    boss = staff_admin("dana", personas.group)
    client = personas.client_for(boss)
    url = reverse("admin:accounts_mailsettings_add")
    response = client.post(url, admin_form(organisation=personas.group.pk))
    assert response.status_code == 302
    account = MailSettings.objects.get(organisation=personas.group)
    assert account.password == "s3cret-smtp"
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM accounts_mailsettings")
        [(stored,)] = cursor.fetchall()
    assert "s3cret" not in stored

    change = reverse("admin:accounts_mailsettings_change", args=[account.pk])
    client.post(change, admin_form(password="", port="465", security="tls"))
    account.refresh_from_db()
    assert (account.port, account.password) == (465, "s3cret-smtp")  # blank keeps it


def test_a_volunteer_and_another_organisation_cannot_reach_the_smtp_settings(personas):
    MailSettings.objects.create(
        organisation=personas.group, host="smtp.example.org", from_address="a@b.example"
    )
    outsider_admin = staff_admin("erin", personas.other_group)
    listing = reverse("admin:accounts_mailsettings_changelist")
    assert personas.client_for(personas.alice).get(listing).status_code in {302, 403}
    outsider = personas.client_for(outsider_admin)
    assert "smtp.example.org" not in outsider.get(listing).content.decode()
    account = MailSettings.objects.get()
    change = reverse("admin:accounts_mailsettings_change", args=[account.pk])
    assert outsider.get(change).status_code == 302  # not found in her scope


def test_the_case_page_points_to_every_channel_and_to_drafts_awaiting_approval(personas, case):
    prepare_draft(case, "pref@example.org", personas.alice)
    page = personas.client_for(personas.bob).get(reverse("case-detail", args=[case.reference]))
    text = page.content.decode()
    for label in (
        "Écrire à la préfecture",
        "Préparer une lettre recommandée",
        "Noter une visite au guichet",
        "Centre de contact citoyen (ANEF)",
        "Défenseur des droits",
        "1 courriel attend votre approbation.",
    ):
        assert label in text


def test_the_mail_drafts_command_prepares_due_drafts_and_prints_json(personas, case):
    MailSchedule.objects.create(
        case=case, recipient="pref@example.org", next_due=timezone.now() - timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("mail_drafts", stdout=out)
    result = json.loads(out.getvalue())
    assert len(result["prepared"]) == 1 and result["archived"] == []
    assert MailSchedule.objects.get().next_due > timezone.now() + timedelta(days=6)
