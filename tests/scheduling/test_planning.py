"""Humane times: pure planning functions, no database."""

import itertools
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from creneau.scheduling.planning import (
    evidence_per_week,
    next_evidence_at,
    next_watch_at,
    parse_window,
)

PARIS = ZoneInfo("Europe/Paris")
WINDOW = parse_window("08:00-19:00", "mon-sat")
MONDAY_7AM = datetime(2026, 3, 2, 7, 0, tzinfo=PARIS)


def plan(weeks: int, per_week: int, seed: int = 1) -> list[datetime]:
    rng = random.Random(seed)
    now, last_hour, times = MONDAY_7AM, None, []
    while now < MONDAY_7AM + timedelta(weeks=weeks):
        now = next_evidence_at(now, last_hour, WINDOW, per_week, rng, today_allowed=not times)
        times.append(now)
        last_hour = now.astimezone(PARIS).hour
    return times[:-1]


def test_the_window_parser_reads_hours_and_days():
    window = parse_window("08:30-19:00", "mon-wed,fri")

    assert window.days == frozenset({0, 1, 2, 4})
    assert window.hours == list(range(8, 19))
    assert window.contains(datetime(2026, 3, 6, 8, 45, tzinfo=PARIS), PARIS)
    assert not window.contains(datetime(2026, 3, 5, 10, 0, tzinfo=PARIS), PARIS)  # Thursday
    assert not window.contains(datetime(2026, 3, 6, 8, 15, tzinfo=PARIS), PARIS)


@pytest.mark.parametrize(
    ("hours", "days"), [("19:00-08:00", "mon"), ("8-19", "mon"), ("08:00-19:00", "sun-mon")]
)
def test_a_bad_window_fails_loudly(hours, days):
    with pytest.raises(ImproperlyConfigured):
        parse_window(hours, days)


def test_one_a_day_attempts_fall_inside_the_window_never_on_sunday():
    times = plan(weeks=6, per_week=6)

    assert len(times) == 36
    for moment in times:
        local = moment.astimezone(PARIS)
        assert local.weekday() != 6
        assert 8 <= local.hour < 19


def test_the_hour_changes_every_time_and_alternates_morning_and_afternoon():
    times = [t.astimezone(PARIS) for t in plan(weeks=6, per_week=6)]

    for before, after in itertools.pairwise(times):
        assert before.hour != after.hour
        assert (before.hour < 12) != (after.hour < 12)
    assert len({t.hour for t in times}) >= 8  # spread over the window


@pytest.mark.parametrize("per_week", [1, 2, 3, 6])
def test_every_iso_week_gets_at_least_the_planned_attempts(per_week):
    times = plan(weeks=6, per_week=per_week, seed=per_week)

    weeks = {t.isocalendar()[:2] for t in times}
    assert len(weeks) == 6
    for week in weeks:
        assert sum(1 for t in times if t.isocalendar()[:2] == week) >= per_week


def test_the_attempt_rate_never_goes_below_the_guide_practice():
    assert evidence_per_week(1, "first_application", WINDOW) == 2  # practice.*.per_week = 2
    assert evidence_per_week(0, "renewal", WINDOW) == 6  # default: one a window day
    assert evidence_per_week(20, "renewal", WINDOW) == 6  # never more than one a day


def test_a_new_case_gets_its_first_attempt_today_when_the_window_is_still_open():
    now = datetime(2026, 3, 4, 10, 5, tzinfo=PARIS)

    first = next_evidence_at(now, None, WINDOW, 6, random.Random(3), today_allowed=True)

    assert first.date() == now.date() and first > now


def test_watches_come_every_15_to_30_minutes_and_wait_for_the_window_to_open():
    rng = random.Random(2)
    noon = datetime(2026, 3, 4, 12, 0, tzinfo=PARIS)
    evening = datetime(2026, 3, 4, 18, 55, tzinfo=PARIS)

    following = next_watch_at(noon, WINDOW, (15, 30), rng)
    morning = next_watch_at(evening, WINDOW, (15, 30), rng).astimezone(PARIS)

    assert timedelta(minutes=15) <= following - noon <= timedelta(minutes=30)
    assert morning.date() == datetime(2026, 3, 5).date() and 8 <= morning.hour < 9
    assert (
        next_watch_at(datetime(2026, 3, 7, 18, 59, tzinfo=UTC), WINDOW, (15, 30), rng)
        .astimezone(PARIS)
        .weekday()
        == 0
    )
