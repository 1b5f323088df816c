"""The per-host token bucket and its back-off, on the real database rows."""

import random
from datetime import timedelta

import pytest

from creneau.catalog.models import BookingPage
from creneau.scheduling import politeness
from creneau.scheduling.models import HostBudget
from tests.scheduling.conftest import WEDNESDAY_MORNING as NOW

pytestmark = pytest.mark.django_db


def test_refill_never_exceeds_capacity():
    assert politeness.refilled(0.0, 3, 120, 60) == 0.5
    assert politeness.refilled(2.5, 3, 120, 3600) == 3.0
    assert politeness.refilled(1.0, 3, 120, -50) == 1.0  # a clock behind never takes tokens


def test_backoff_doubles_with_jitter_and_stays_under_its_cap():
    rng = random.Random(4)
    delays = [politeness.backoff_seconds(n, 600, 6 * 3600, rng) for n in range(1, 10)]

    for failures, delay in enumerate(delays, start=1):
        ceiling = min(6 * 3600, 600 * 2 ** (failures - 1))
        assert ceiling / 2 <= delay <= ceiling


def test_it_grants_the_burst_then_one_run_per_refill_period(settings):
    settings.POLITENESS_CAPACITY, settings.POLITENESS_REFILL_SECONDS = 3, 120

    granted = [politeness.take("prefecture.example", NOW).granted for _ in range(4)]
    refused = politeness.take("prefecture.example", NOW)

    assert granted == [True, True, True, False]
    assert (refused.reason, refused.retry_at) == ("budget", NOW + timedelta(seconds=120))
    assert politeness.take("prefecture.example", NOW + timedelta(seconds=119)).granted is False
    assert politeness.take("prefecture.example", NOW + timedelta(seconds=240)).granted is True


def test_hosts_have_separate_budgets(settings):
    settings.POLITENESS_CAPACITY = 1

    assert politeness.take("a.example", NOW).granted
    assert politeness.take("b.example", NOW).granted
    assert not politeness.take("a.example", NOW).granted


def test_a_host_row_overrides_the_defaults():
    HostBudget.objects.create(
        host="big.example", capacity=10, refill_seconds=6, tokens=10, updated_at=NOW
    )

    assert sum(politeness.take("big.example", NOW).granted for _ in range(12)) == 10
    assert politeness.available("big.example", NOW + timedelta(seconds=60)) == 10


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("error", 429),
        ("error", 503),
        ("error", 502),
        ("captcha", 403),
        ("queue", 200),
        ("error", None),
    ],
)
def test_it_backs_off_when_the_host_is_overloaded_or_refusing(outcome, status):
    politeness.record("p.example", outcome, status, NOW, random.Random(1))

    refused = politeness.take("p.example", NOW + timedelta(seconds=200))
    assert (refused.granted, refused.reason) == (False, "backoff")
    assert politeness.available("p.example", NOW) == 0


def test_back_off_grows_with_each_failure_and_a_normal_answer_resets_it():
    first = politeness.record("p.example", "error", 503, NOW, random.Random(1)).backoff_until
    second = politeness.record("p.example", "error", 503, NOW, random.Random(1)).backoff_until
    assert first is not None and second is not None and second > first

    reset = politeness.record("p.example", "no_slot", 200, NOW)

    assert (reset.failures, reset.backoff_until) == (0, None)
    assert politeness.take("p.example", NOW).granted


def test_a_captcha_page_without_an_error_status_is_not_a_reason_to_back_off():
    politeness.record("p.example", "captcha", 200, NOW)

    assert politeness.take("p.example", NOW).granted


def test_the_status_of_a_page_names_its_host_and_its_rate(settings):
    settings.POLITENESS_REFILL_SECONDS = 120
    page = BookingPage.objects.create(url="https://www.rdv.93.gouv.fr:8443/booking/create/9845")

    status = politeness.status_for(page)

    assert (status.host, status.runs_per_hour, status.degraded) == (
        "www.rdv.93.gouv.fr:8443",
        30.0,
        False,
    )
