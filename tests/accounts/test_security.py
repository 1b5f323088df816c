import pytest
from django.test import Client
from django.urls import reverse

from creneau.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(personas):
    response = Client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_http_only_and_same_site(personas):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": "correct horse battery staple"})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(personas):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    other = Client().post(
        reverse("login"), {"username": "bob", "password": "correct horse battery staple"}
    )
    assert other.status_code == 302  # only that account, from that address


def test_viewing_and_changing_a_case_is_written_to_the_access_log(personas, alice_case):
    client = personas.client_for(personas.bob)
    client.get(reverse("case-detail", args=[alice_case.reference]))
    client.post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "phone", "at": "2026-11-02T10:00", "outcome": "no_answer"},
    )
    events = list(AuditEvent.objects.filter(case_reference=alice_case.reference).order_by("at"))
    assert [(e.actor, e.action) for e in events][:2] == [("bob", "view"), ("bob", "change")]
    assert all(e.organisation == personas.group for e in events)
    outsider = personas.client_for(personas.charlie)
    outsider.get(reverse("case-detail", args=[alice_case.reference]))
    assert not AuditEvent.objects.filter(actor="charlie").exists()
