"""A watcher check as the observatory keeps it: counted per local hour, followed into episodes,
sealed when it is a sample; never a case's attempt."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from creneau.catalog.models import BookingPage, Department, Prefecture
from creneau.evidence.models import Capture
from creneau.observatory import checks
from creneau.observatory.models import CheckHour, Episode, ObservedPage, SealedCheck
from creneau.observatory.pages import looks_personal, observed, public_url
from creneau.scheduling import attempts, scheduler
from creneau.scheduling.models import EvidenceSchedule
from creneau.watch.classify import Classification
from tests.conftest import make_case

from .conftest import snapshot

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, 9, 10, tzinfo=PARIS)


def check(page: BookingPage, outcome: str, at: datetime, *, seal: bool = False) -> None:
    """Steps (5) and (6) as watch_page runs them."""
    sample = None
    if seal:
        verdict = Classification(outcome, "rdv_service_public", "texte lu")
        sample = checks.seal_sample(page, snapshot("<p>page</p>", at), verdict, at)
    checks.count(page, outcome, at, sample)


def test_a_check_adds_one_to_its_local_hour_by_outcome(page):
    check(page, "no_slot", MONDAY)
    check(page, "no_slot", MONDAY + timedelta(minutes=20))
    check(page, "error", MONDAY + timedelta(minutes=45))
    check(page, "slots_available", MONDAY + timedelta(hours=1))

    rows = {(r.day.isoformat(), r.hour): r for r in CheckHour.objects.all()}
    assert set(rows) == {("2026-03-02", 9), ("2026-03-02", 10)}
    nine = rows[("2026-03-02", 9)]
    assert (nine.checks, nine.no_slot, nine.error, nine.slots_available) == (3, 2, 1, 0)
    assert rows[("2026-03-02", 10)].slots_available == 1


def test_an_overseas_page_counts_in_its_own_local_time(personas):
    reunion = Prefecture.objects.filter(department_id="974").first()
    page = BookingPage.objects.create(url="https://rdv.reunion.example/", prefecture=reunion)
    check(page, "no_slot", datetime(2026, 3, 2, 22, 30, tzinfo=PARIS))  # 01:30 on the 3rd there

    row = CheckHour.objects.get()
    assert (row.day.isoformat(), row.hour) == ("2026-03-03", 1)
    assert observed(page).time_zone == "Indian/Reunion"


def test_an_episode_runs_from_the_first_to_the_last_check_with_slots(page):
    check(page, "no_slot", MONDAY)
    check(page, "slots_available", MONDAY + timedelta(minutes=20))
    check(page, "error", MONDAY + timedelta(minutes=40))  # neither extends nor closes it
    check(page, "slots_available", MONDAY + timedelta(minutes=60))
    check(page, "no_slot", MONDAY + timedelta(minutes=80))
    check(page, "slots_available", MONDAY + timedelta(minutes=100))

    first, second = Episode.objects.order_by("first_seen")
    assert (first.first_seen, first.last_seen) == (
        MONDAY + timedelta(minutes=20),
        MONDAY + timedelta(minutes=60),
    )
    assert first.closed_at == MONDAY + timedelta(minutes=80) and first.checks == 2
    assert second.closed_at is None and second.checks == 1


@pytest.mark.parametrize(
    ("outcome", "episode_open", "sealed_today", "reason"),
    [
        ("slots_available", False, 3, "appeared"),
        ("slots_available", True, 0, "daily"),
        ("slots_available", True, 1, None),
        ("no_slot", True, 5, "gone"),
        ("closed", True, 0, "gone"),
        ("no_slot", False, 0, "daily"),
        ("no_slot", False, 1, None),
        ("error", False, 0, None),
        ("unknown", True, 0, None),
    ],
)
def test_which_checks_are_sealed(outcome, episode_open, sealed_today, reason):
    assert checks.sample_reason(outcome, episode_open, sealed_today) == reason


def test_the_days_first_conclusive_check_and_each_change_are_sealed_without_a_case(page, tsa_on):
    check(page, "error", MONDAY, seal=True)
    check(page, "no_slot", MONDAY + timedelta(minutes=20), seal=True)
    check(page, "no_slot", MONDAY + timedelta(minutes=40), seal=True)
    check(page, "slots_available", MONDAY + timedelta(minutes=60), seal=True)
    check(page, "slots_available", MONDAY + timedelta(minutes=80), seal=True)
    check(page, "no_slot", MONDAY + timedelta(minutes=100), seal=True)

    sealed = list(SealedCheck.objects.order_by("at"))
    assert [(s.outcome, s.reason) for s in sealed] == [
        ("no_slot", "daily"),
        ("slots_available", "appeared"),
        ("no_slot", "gone"),
    ]
    captures = Capture.objects.filter(pk__in=[s.capture_id for s in sealed])
    assert all(c.case_id is None and c.seal.state == "sealed" for c in captures)


def test_no_more_than_the_daily_limit_is_sealed(page, settings, no_tsa):
    settings.OBSERVATORY_SEALS_PER_DAY = 2
    for minutes, outcome in enumerate(["no_slot", "slots_available", "no_slot", "slots_available"]):
        check(page, outcome, MONDAY + timedelta(minutes=10 * minutes), seal=True)

    assert SealedCheck.objects.count() == 2
    assert CheckHour.objects.get().checks == 4  # the others are still counted


def test_a_page_of_a_persons_own_booking_is_never_published():
    assert looks_personal("https://rdv.anct.gouv.fr/users/rdvs/4242/creneaux")
    assert not looks_personal("https://www.rdv.93.gouv.fr/booking/create/9845/0")
    assert (
        public_url("https://u:p@x.example:8443/a/b?token=s3cret#f") == "https://x.example:8443/a/b"
    )


def test_a_page_without_catalog_prefecture_takes_the_site_its_cases_name(personas):
    bobigny = Prefecture.objects.get(department_id="93", kind="prefecture")
    page = BookingPage.objects.create(url="https://booking.example/93")
    make_case(personas.group, booking_page=page, prefecture=bobigny)

    row = observed(page)

    assert (row.department_id, row.prefecture_name) == ("93", bobigny.name)
    make_case(personas.group, booking_page=page, department=Department.objects.get(code="92"))
    assert observed(page).department_id == "93"  # attributed once; the job re-reads it


def test_an_evidence_attempt_is_never_counted(page):
    """GIVEN a case's evidence attempt that sees slots
    WHEN it is recorded
    THEN the observatory counts nothing: its figures come from page watchers only."""
    now = MONDAY
    scheduler.ensure_schedules(now, random.Random(1))
    row = EvidenceSchedule.objects.get()
    EvidenceSchedule.objects.filter(pk=row.pk).update(next_run_at=now)
    token = scheduler.claim(EvidenceSchedule, row.pk, now)

    outcome = attempts.evidence_attempt(
        row.pk, token, visit=lambda case: attempts.RunResult("slots_available", 200)
    )

    assert outcome == "slots_available"
    assert not CheckHour.objects.exists() and not ObservedPage.objects.exists()
