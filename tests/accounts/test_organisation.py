"""The organisation's settings page for its admins: members, roles, second factor, links."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from creneau.accounts import twofactor
from creneau.accounts.models import AuditEvent, Member, Organisation
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(org_admin) -> Client:
    client = Client()
    client.force_login(org_admin)
    return client


def settings_url(personas) -> str:
    return reverse("organisation-settings", args=[personas.group.slug])


def member_of(user: User) -> Member:
    return Member.objects.get(user=user)


def test_the_page_lists_the_members_with_their_role_and_links_to_mail_and_sms(
    personas, admin_client
):
    page = admin_client.get(settings_url(personas)).content.decode()
    for name in ("alice", "bob", "diane"):
        assert f"<strong>{name}</strong>" in page
    assert 'value="admin" selected' in page and 'value="volunteer" selected' in page
    assert "charlie" not in page  # another organisation's member
    assert reverse("mail-settings", args=[personas.group.slug]) in page
    assert reverse("sms-settings", args=[personas.group.slug]) in page


def test_another_organisations_admin_gets_a_404_on_every_route(personas, admin_client):
    make_member("eve", personas.other_group, role=Member.Role.ADMIN)
    outsider = Client()
    outsider.force_login(User.objects.get(username="eve"))
    alice = member_of(personas.alice)
    slug = personas.group.slug
    assert outsider.get(settings_url(personas)).status_code == 404
    posts = [
        (reverse("organisation-add-member", args=[slug]), {"username": "mallory"}),
        (reverse("organisation-member-role", args=[slug, alice.pk]), {"role": "admin"}),
        (reverse("organisation-member-remove", args=[slug, alice.pk]), {}),
        (reverse("organisation-member-link", args=[slug, alice.pk]), {}),
        (reverse("organisation-member-two-factor", args=[slug, alice.pk]), {}),
        (reverse("mail-settings", args=[slug]), {"host": "smtp.example.org"}),
    ]
    for url, data in posts:
        assert outsider.post(url, data).status_code == 404
    assert not User.objects.filter(username="mallory").exists()
    assert member_of(personas.alice).role == Member.Role.VOLUNTEER


def test_a_member_of_another_organisation_cannot_be_changed_through_this_one(
    personas, admin_client
):
    charlie = member_of(personas.charlie)
    url = reverse("organisation-member-role", args=[personas.group.slug, charlie.pk])
    assert admin_client.post(url, {"role": "admin"}).status_code == 404


def test_a_volunteer_gets_a_404_and_no_navigation_link(personas):
    client = Client()
    client.force_login(personas.alice)
    assert client.get(settings_url(personas)).status_code == 404
    assert client.get(reverse("organisation-home")).status_code == 404
    assert reverse("organisation-home") not in client.get(reverse("dashboard")).content.decode()


def test_the_navigation_and_the_first_steps_lead_admins_to_the_page(personas, org_admin):
    client = Client()
    client.force_login(org_admin)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("organisation-home") in dashboard
    assert "/admin/accounts/member" not in dashboard
    home = client.get(reverse("organisation-home"))
    assert home.status_code == 302 and home["Location"] == settings_url(personas)


def test_adding_a_volunteer_shows_a_one_time_link_and_never_a_password(personas, admin_client):
    response = admin_client.post(
        reverse("organisation-add-member", args=[personas.group.slug]),
        {"username": "fatou", "email": "fatou@example.org", "role": "volunteer"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    link = re.search(r'id="link-url" readonly value="([^"]+)"', page)
    assert link and "/compte/mot-de-passe/" in link.group(1)
    user = User.objects.get(username="fatou")
    assert not user.has_usable_password()
    assert member_of(user).organisation == personas.group
    assert member_of(user).role == Member.Role.VOLUNTEER
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, detail__contains="fatou")
    assert event.organisation == personas.group and event.actor == "diane"


def test_the_link_sets_the_password_once_then_no_longer_works(personas, admin_client):
    page = admin_client.post(
        reverse("organisation-add-member", args=[personas.group.slug]),
        {"username": "fatou", "role": "volunteer"},
    ).content.decode()
    link = re.search(r'id="link-url" readonly value="http://testserver([^"]+)"', page)
    assert link
    newcomer = Client()
    form_page = newcomer.get(link.group(1), follow=True)
    assert "Choisir votre mot de passe" in form_page.content.decode()
    password = "un long mot de passe bien à moi"
    done = newcomer.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )
    assert done.status_code == 302 and done["Location"] == reverse("password-set-done")
    assert User.objects.get(username="fatou").check_password(password)
    again = Client().get(link.group(1), follow=True).content.decode()
    assert "Ce lien ne fonctionne plus" in again


def test_a_taken_username_is_refused_with_the_reason(personas, admin_client):
    response = admin_client.post(
        reverse("organisation-add-member", args=[personas.group.slug]),
        {"username": "Charlie", "role": "volunteer"},
    )
    assert response.status_code == 400
    assert "Cet identifiant est déjà pris" in response.content.decode()
    assert not Member.objects.filter(organisation=personas.group, user=personas.charlie).exists()


def test_changing_a_role_is_saved_and_audited(personas, admin_client):
    alice = member_of(personas.alice)
    admin_client.post(
        reverse("organisation-member-role", args=[personas.group.slug, alice.pk]),
        {"role": "admin"},
    )
    assert member_of(personas.alice).role == Member.Role.ADMIN
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGE, detail__startswith="rôle de alice"
    ).exists()


def test_the_last_admin_can_neither_step_down_nor_be_removed(personas, org_admin, admin_client):
    diane = member_of(org_admin)
    slug = personas.group.slug
    admin_client.post(
        reverse("organisation-member-role", args=[slug, diane.pk]), {"role": "volunteer"}
    )
    admin_client.post(reverse("organisation-member-remove", args=[slug, diane.pk]))
    assert member_of(org_admin).role == Member.Role.ADMIN
    page = admin_client.get(settings_url(personas)).content.decode()
    assert "au moins un·e administrateur·ice" in page


def test_an_admin_can_leave_when_another_admin_remains(personas, org_admin, admin_client):
    Member.objects.filter(user=personas.alice).update(role=Member.Role.ADMIN)
    diane = member_of(org_admin)
    response = admin_client.post(
        reverse("organisation-member-remove", args=[personas.group.slug, diane.pk])
    )
    assert response["Location"] == reverse("dashboard")
    assert not Member.objects.filter(user=org_admin).exists()


def test_a_removed_volunteer_in_no_organisation_can_no_longer_log_in(personas, admin_client):
    bob = member_of(personas.bob)
    admin_client.post(reverse("organisation-member-remove", args=[personas.group.slug, bob.pk]))
    assert not Member.objects.filter(user=personas.bob).exists()
    personas.bob.refresh_from_db()
    assert not personas.bob.is_active
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ERASE, detail="membre retiré : bob"
    ).exists()
    login = Client().post(
        reverse("login"), {"username": "bob", "password": "correct horse battery staple"}
    )
    assert login.status_code == 200  # the form again, not a redirect into the app


def test_the_second_factor_toggle_returns_to_the_page_and_is_audited(personas, admin_client):
    response = admin_client.post(
        reverse("two-factor-require", args=[personas.group.slug]),
        {"require": "1", "back": "organisation"},
    )
    assert response["Location"] == settings_url(personas)
    personas.group.refresh_from_db()
    assert personas.group.require_two_factor
    assert AuditEvent.objects.filter(detail="double authentification obligatoire").exists()


def test_a_new_link_is_given_only_to_a_member_without_a_password(personas, admin_client):
    alice = member_of(personas.alice)
    refused = admin_client.post(
        reverse("organisation-member-link", args=[personas.group.slug, alice.pk]), follow=True
    )
    assert 'id="link-url"' not in refused.content.decode()
    assert "déjà choisi son mot de passe" in refused.content.decode()


def test_the_mail_server_is_set_on_the_organisations_own_page(personas, admin_client):
    url = reverse("mail-settings", args=[personas.group.slug])
    response = admin_client.post(
        url,
        {
            "host": "smtp.example.org",
            "port": "587",
            "security": "starttls",
            "username": "cimade",
            "password": "secret-du-compte",
            "from_address": "cimade93@example.org",
        },
    )
    assert response.status_code == 302
    account = personas.group.mail_settings
    assert account.host == "smtp.example.org" and account.password == "secret-du-compte"
    page = admin_client.get(url).content.decode()
    assert "secret-du-compte" not in page
    assert AuditEvent.objects.filter(detail="serveur d'envoi").exists()


def test_the_first_run_checklist_invites_through_the_organisation_page(personas):
    alone = Organisation.objects.create(name="Asso seule", slug="asso-seule")
    founder = make_member("gaston", alone, role=Member.Role.ADMIN)
    client = Client()
    client.force_login(founder)
    page = client.get(reverse("dashboard")).content.decode()
    checklist = page[page.index('id="first-steps"') :]
    assert f'href="{reverse("organisation-home")}">dans les réglages' in checklist


def test_an_admin_resets_the_second_factor_of_a_member_who_lost_their_phone(personas, admin_client):
    device = twofactor.start_enrolment(personas.alice)
    device.confirmed = True
    device.save()
    assert twofactor.has_two_factor(personas.alice)
    alice = member_of(personas.alice)
    page = admin_client.get(settings_url(personas)).content.decode()
    assert "Réinitialiser la double authentification pour alice" in page

    admin_client.post(
        reverse("organisation-member-two-factor", args=[personas.group.slug, alice.pk])
    )

    assert not twofactor.has_two_factor(personas.alice)
    assert AuditEvent.objects.filter(
        detail="double authentification réinitialisée : alice"
    ).exists()


def test_an_admin_cannot_reset_their_own_second_factor_here(personas, org_admin, admin_client):
    diane = member_of(org_admin)
    url = reverse("organisation-member-two-factor", args=[personas.group.slug, diane.pk])
    assert admin_client.post(url).status_code == 404


def test_an_account_shared_with_another_organisation_keeps_its_second_factor_and_password(
    personas, admin_client
):
    """Its password link and second factor also guard the other organisation's cases."""
    shared = User.objects.create_user("zoe")  # no password chosen yet
    Member.objects.create(user=shared, organisation=personas.group)
    Member.objects.create(user=shared, organisation=personas.other_group)
    device = twofactor.start_enrolment(shared)
    device.confirmed = True
    device.save()
    zoe = Member.objects.get(user=shared, organisation=personas.group)
    slug = personas.group.slug

    reset = admin_client.post(
        reverse("organisation-member-two-factor", args=[slug, zoe.pk]), follow=True
    )
    link = admin_client.post(reverse("organisation-member-link", args=[slug, zoe.pk]), follow=True)

    assert twofactor.has_two_factor(shared)
    assert 'id="link-url"' not in link.content.decode()
    assert "aussi à une autre organisation" in reset.content.decode()


def test_the_page_shows_the_last_settings_changes_of_this_organisation_only(personas, admin_client):
    admin_client.post(
        reverse("organisation-add-member", args=[personas.group.slug]),
        {"username": "fatou", "role": "volunteer"},
    )
    AuditEvent.objects.create(
        actor="zoe", organisation=personas.other_group, case_reference="*", detail="ailleurs"
    )

    page = admin_client.get(settings_url(personas)).content.decode()

    assert "Dernières modifications des réglages" in page
    assert "diane — membre ajouté : fatou (bénévole)" in page
    assert "ailleurs" not in page
