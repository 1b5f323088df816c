"""Login lockout behind a reverse proxy: keyed on the real client, and on the account softly.

Issue 24: behind a proxy every client shares the proxy's address, so five wrong passwords from
anyone locked the account for everyone for 15 minutes.
"""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery staple"
PROXY = "127.0.0.1"


def attempt(password: str, *, remote: str = PROXY, forwarded: str | None = None) -> int:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    response = Client().post(
        reverse("login"), {"username": "alice", "password": password}, **headers
    )
    return response.status_code


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY = PROXY


def test_an_attacker_behind_the_proxy_locks_only_their_own_address(personas, behind_proxy):
    for _ in range(5):
        attempt("wrong", forwarded="203.0.113.66")

    assert attempt(RIGHT, forwarded="203.0.113.66") == 429
    assert attempt(RIGHT, forwarded="198.51.100.7") == 302  # Alice, from her own address


def test_only_the_address_our_proxy_added_counts(personas, behind_proxy):
    """A client may send its own X-Forwarded-For: the proxy appends the real address last."""
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        attempt("wrong", forwarded=f"{forged}, 203.0.113.66")

    assert attempt(RIGHT, forwarded="203.0.113.66") == 429


def test_a_client_that_is_not_the_proxy_cannot_choose_its_address(personas, behind_proxy):
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        attempt("wrong", remote="203.0.113.66", forwarded=forged)

    assert attempt(RIGHT, remote="203.0.113.66", forwarded="10.0.0.9") == 429


def test_the_account_itself_locks_after_a_softer_limit_from_many_addresses(
    personas, behind_proxy, settings
):
    limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    for number in range(limit - 1):
        attempt("wrong", forwarded=f"203.0.113.{number + 1}")
    assert attempt(RIGHT, forwarded="198.51.100.7") == 302  # still below the softer limit

    for number in range(limit):
        attempt("wrong", forwarded=f"192.0.2.{number + 1}")
    assert attempt(RIGHT, forwarded="198.51.100.8") == 429
