"""Optional second factor (issue 10): a TOTP app after the password, recovery codes, resets."""

import logging
import time
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from creneau.accounts import twofactor
from creneau.accounts.models import Member
from tests.conftest import make_case, make_member

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's app shows now (or ``steps_ahead`` periods later), from its secret."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator; its first code is spent, so log in with ``steps_ahead=1``."""
    device = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(device, code(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def password_step(client: Client, username: str = "alice", next_url: str = ""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD})


def verified_client(user, device) -> Client:
    """A session that went through both steps (as ``login_code`` leaves it)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- enrolment ---


def test_enrolment_shows_a_qr_code_and_the_secret_and_is_confirmed_by_a_first_code(personas):
    client = personas.client_for(personas.alice)
    page = client.get(reverse("two-factor-enable"))
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=personas.alice)
    assert not device.confirmed and not twofactor.has_two_factor(personas.alice)
    assert '<svg width="' in html and "<script" not in html
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert twofactor.secret_text(device) in html
    # A reload keeps the same secret: the person may scan before the page is reloaded.
    client.get(reverse("two-factor-enable"))
    assert TOTPDevice.objects.get(user=personas.alice).key == device.key

    wrong = client.post(reverse("two-factor-enable"), {"code": "000000"})
    assert "Code incorrect" in wrong.content.decode()
    assert not TOTPDevice.objects.get(user=personas.alice).confirmed

    device.throttle_reset()
    shown = client.post(reverse("two-factor-enable"), {"code": code(device)})
    html = shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    assert "Vos codes de secours" in html and html.count("<li><code>") == 10
    assert twofactor.has_two_factor(personas.alice)
    assert twofactor.remaining_recovery_codes(personas.alice) == 10
    # This session proved the code: it goes on without logging in again.
    assert client.get(reverse("dashboard")).status_code == 200


def test_an_enrolment_left_half_way_never_asks_for_a_code(personas):
    twofactor.start_enrolment(personas.alice)
    client = Client()
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] != reverse("login-code")
    assert logged_in(client)


def test_members_without_a_second_factor_log_in_as_before(personas):
    client = Client()
    response = password_step(client, next_url=reverse("case-list"))
    assert response["Location"] == reverse("case-list")
    assert logged_in(client)
    assert client.get(reverse("dashboard")).status_code == 200


# --- login ---


def test_with_a_device_the_password_alone_logs_nobody_in(personas):
    device, _ = enrol(personas.alice)
    client = Client()
    response = password_step(client, next_url=reverse("case-list"))
    assert response["Location"] == reverse("login-code")
    assert not logged_in(client)

    answer = client.post(reverse("login-code"), {"code": code(device, steps_ahead=1)})
    assert answer["Location"] == reverse("case-list")
    assert logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("case-list")).status_code == 200


def test_browsing_elsewhere_after_the_password_leads_back_to_the_code(personas, alice_case):
    enrol(personas.alice)
    client = Client()
    password_step(client)
    for url in (
        reverse("dashboard"),
        reverse("case-list"),
        reverse("case-detail", args=[alice_case.reference]),
        reverse("account-security"),
        "/admin/",
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("login-code"), url
        assert "Double authentification" in response.content.decode()
        assert not logged_in(client)
    assert (
        alice_case.reference not in client.get(reverse("case-list"), follow=True).content.decode()
    )


def test_the_code_step_without_a_password_sends_back_to_the_login(personas):
    enrol(personas.alice)
    response = Client().post(reverse("login-code"), {"code": "123456"})
    assert response["Location"] == reverse("login")


def test_a_password_checked_login_expires_after_five_minutes(personas):
    device, _ = enrol(personas.alice)
    client = Client()
    password_step(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=twofactor.PENDING_SECONDS + 1)):
        response = client.post(reverse("login-code"), {"code": code(device, steps_ahead=1)})
    assert response["Location"] == reverse("login")
    assert not logged_in(client)


def test_a_wrong_code_is_refused_logged_and_then_throttled(personas, settings, caplog):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # the first wait lasts a minute: no race in the test
    device, _ = enrol(personas.alice)
    client = Client()
    password_step(client)
    with caplog.at_level(logging.WARNING, logger="creneau.accounts.twofactor"):
        wrong = client.post(reverse("login-code"), {"code": "000000"})
    assert "Code incorrect ou déjà utilisé" in wrong.content.decode()
    assert f"wrong second factor for user {personas.alice.pk}" in caplog.text
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 1

    right = client.post(reverse("login-code"), {"code": code(device, steps_ahead=1)})
    assert "Trop de codes erronés : attendez" in right.content.decode()
    assert not logged_in(client)


def test_wrong_codes_lock_the_account_like_wrong_passwords(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # leave the counting to django-axes here
    device, _ = enrol(personas.alice)
    client = Client()
    password_step(client)
    for _ in range(4):
        assert client.post(reverse("login-code"), {"code": "000000"}).status_code == 200
    locked = client.post(reverse("login-code"), {"code": "000000"})
    assert locked.status_code == 429
    again = client.post(reverse("login-code"), {"code": code(device, steps_ahead=1)})
    assert again.status_code == 429 and not logged_in(client)
    assert password_step(Client()).status_code == 429  # the password is refused too


def test_a_recovery_code_logs_in_once(personas):
    _, codes = enrol(personas.alice)
    client = Client()
    password_step(client)
    shown = f"{codes[0][:4]}-{codes[0][4:]}".upper()  # as printed, typed in capitals
    response = client.post(reverse("login-code"), {"code": shown}, follow=True)
    assert logged_in(client)
    assert "il vous en reste 9" in response.content.decode()

    again = Client()
    password_step(again)
    refused = again.post(reverse("login-code"), {"code": codes[0]})
    assert "Code incorrect" in refused.content.decode() and not logged_in(again)
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_a_session_opened_without_the_code_is_closed(personas):
    """E.g. a session opened before the member enabled the second factor elsewhere."""
    enrol(personas.alice)
    client = personas.client_for(personas.alice)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not logged_in(client)


# --- the Django admin ---


def test_the_admin_login_form_is_replaced_by_the_two_step_login(personas, org_admin):
    enrol(org_admin)
    client = Client()
    response = client.post(
        reverse("admin:login") + "?next=/admin/", {"username": "diane", "password": PASSWORD}
    )
    assert response["Location"] == reverse("login") + "?next=/admin/"
    assert not logged_in(client)


def test_the_admin_needs_the_second_factor_of_a_member_who_has_one(personas, org_admin):
    device, _ = enrol(org_admin)
    client = Client()
    password_step(client, "diane", next_url="/admin/")
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("login-code"), {"code": code(device, steps_ahead=1)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- disabling and resetting ---


def test_disabling_needs_a_current_code(personas):
    device, _ = enrol(personas.alice)
    client = verified_client(personas.alice, device)
    assert "Active" in client.get(reverse("account-security")).content.decode()
    refused = client.post(reverse("two-factor-disable"), {"code": "000000"})
    assert refused.status_code == 400 and twofactor.has_two_factor(personas.alice)
    device.throttle_reset()
    done = client.post(reverse("two-factor-disable"), {"code": code(device, steps_ahead=1)})
    assert done["Location"] == reverse("account-security")
    assert not twofactor.has_two_factor(personas.alice)
    assert twofactor.remaining_recovery_codes(personas.alice) == 0
    assert client.get(reverse("dashboard")).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(personas):
    device, old = enrol(personas.alice)
    client = verified_client(personas.alice, device)
    page = client.post(reverse("two-factor-recovery-codes"), {"code": old[0]})
    assert page.content.decode().count("<li><code>") == 10
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert twofactor.remaining_recovery_codes(personas.alice) == 10


def reset_action(client: Client, member: Member):
    return client.post(
        reverse("admin:accounts_member_changelist"),
        {"action": "reset_two_factor", "_selected_action": [member.pk]},
    )


def test_an_organisation_admin_resets_a_member_of_her_organisation(personas, org_admin):
    enrol(personas.alice)
    client = personas.client_for(org_admin)
    changelist = client.get(reverse("admin:accounts_member_changelist")).content.decode()
    assert "double authentification" in changelist
    reset_action(client, Member.objects.get(user=personas.alice))
    assert not twofactor.has_two_factor(personas.alice)


def test_an_admin_of_another_organisation_cannot_reset_alice(personas):
    enrol(personas.alice)
    outsider = make_member("eve", personas.other_group, role=Member.Role.ADMIN)
    outsider.is_staff = True
    outsider.save()
    client = personas.client_for(outsider)
    alice = Member.objects.get(user=personas.alice)
    reset_action(client, alice)
    assert twofactor.has_two_factor(personas.alice)
    change = client.get(reverse("admin:accounts_member_change", args=[alice.pk]))
    assert change.status_code == 302  # the admin's "no such object" answer
    # Nor may she make the second factor compulsory in Alice's organisation.
    toggle = client.post(
        reverse("two-factor-require", args=[personas.group.slug]), {"require": "1"}
    )
    assert toggle.status_code == 404
    personas.group.refresh_from_db()
    assert not personas.group.require_two_factor


def test_a_volunteer_cannot_require_the_second_factor_for_her_organisation(personas):
    client = personas.client_for(personas.alice)
    response = client.post(
        reverse("two-factor-require", args=[personas.group.slug]), {"require": "1"}
    )
    assert response.status_code == 404


# --- required by the organisation ---


def test_an_organisation_can_require_a_second_factor_of_every_member(personas, org_admin):
    admin_client = personas.client_for(org_admin)
    admin_client.post(reverse("two-factor-require", args=[personas.group.slug]), {"require": "1"})
    personas.group.refresh_from_db()
    assert personas.group.require_two_factor

    client = Client()
    password_step(client)
    blocked = client.get(reverse("case-list"))
    assert blocked["Location"] == reverse("two-factor-enable")
    assert client.get(reverse("two-factor-enable")).status_code == 200
    assert client.get(reverse("account-security")).status_code == 200
    device = TOTPDevice.objects.get(user=personas.alice)
    client.post(reverse("two-factor-enable"), {"code": code(device)})
    assert client.get(reverse("case-list")).status_code == 200
    # The person portal has no accounts: it never sends anyone to the enrolment.
    fresh = personas.client_for(personas.bob)
    assert fresh.get(reverse("dashboard"))["Location"] == reverse("two-factor-enable")
    portal = fresh.get(reverse("portal-home"))
    assert portal.get("Location") != reverse("two-factor-enable")
    # The other organisation's members are not concerned.
    assert personas.client_for(personas.charlie).get(reverse("case-list")).status_code == 200
    # And nobody in the organisation may switch it off for themselves.
    device.refresh_from_db()
    client.post(reverse("two-factor-disable"), {"code": code(device, steps_ahead=1)})
    assert twofactor.has_two_factor(personas.alice)


def test_the_account_menu_links_to_the_security_page(personas):
    client = personas.client_for(personas.alice)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("account-security") in page
    case = make_case(personas.group)
    assert client.get(reverse("case-detail", args=[case.reference])).status_code == 200


def test_the_middleware_s_one_query_agrees_with_each_question_asked_apart(personas):
    from django.contrib.auth.models import AnonymousUser

    alice, charlie = personas.alice, personas.charlie
    assert twofactor.second_factor(AnonymousUser()) == (False, False)
    twofactor.start_enrolment(alice)  # half-way: counts for nothing
    personas.other_group.require_two_factor = True
    personas.other_group.save()
    for user in (alice, charlie):
        expected = (twofactor.has_two_factor(user), twofactor.required_for(user))
        assert twofactor.second_factor(user) == expected
    device = TOTPDevice.objects.get(user=alice)
    twofactor.confirm_enrolment(device, code(device))
    assert twofactor.second_factor(alice) == (True, twofactor.required_for(alice))
    assert twofactor.second_factor(charlie) == (False, True)
