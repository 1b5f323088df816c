"""Advice from the counts (« souvent le lundi vers 9 h »), and how planning uses it without
ever asking more of a host than its politeness budget."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from creneau.observatory.advice import Advice, compute
from creneau.scheduling import planning

PARIS = ZoneInfo("Europe/Paris")
SINCE = date(2026, 1, 5)
MONDAYS = [SINCE + timedelta(weeks=n) for n in range(4)]


def quiet_weeks() -> list[tuple[date, int, int, int]]:
    return [
        (day + timedelta(days=d), h, 2, 0) for day in MONDAYS for d in range(6) for h in (8, 14)
    ]


def test_slots_seen_mostly_on_monday_at_nine_give_that_advice():
    cells = [*quiet_weeks(), *((day, 9, 3, 2) for day in MONDAYS), (MONDAYS[1], 15, 3, 1)]

    found = compute(cells, SINCE, "Europe/Paris")

    assert found is not None
    assert (found.weekday, found.hour, found.matching, found.slot_checks) == (0, 9, 8, 9)
    assert found.when == "le lundi vers 9 h"
    assert "8 relevés sur 9" in found.text()


def test_an_hour_shared_by_several_weekdays_gives_an_hour_only():
    days = [SINCE + timedelta(days=n) for n in (0, 8, 16, 24)]  # Monday, Tuesday, Wednesday…
    found = compute([(day, 14, 3, 1) for day in days], SINCE, "Europe/Paris")

    assert found is not None and (found.weekday, found.hour) == (None, 14)
    assert found.when == "vers 14 h"


@pytest.mark.parametrize(
    "cells",
    [
        [(MONDAYS[0], 9, 3, 3)],  # three checks, one week: no pattern
        [(MONDAYS[0], 9, 3, 1), (MONDAYS[1], 9, 3, 1)],  # two checks only
        [(MONDAYS[0] + timedelta(days=n), 8 + 2 * n, 3, 1) for n in range(6)]
        + [(MONDAYS[2] + timedelta(days=n), 9 + 2 * n, 3, 1) for n in range(6)],  # scattered
    ],
)
def test_no_advice_where_the_counts_show_no_pattern(cells):
    assert compute(cells, SINCE, "Europe/Paris") is None


MONDAY_NINE = Advice(0, 9, 8, 9, 300, "2026-01-05", "Europe/Paris")


def test_the_watch_comes_at_the_shortest_interval_during_the_advised_hour():
    rng = random.Random(4)
    window, minutes = planning.parse_window("08:00-19:00", "mon-sat"), (15, 30)
    before = datetime(2026, 3, 2, 8, 50, tzinfo=PARIS)  # a Monday
    during = [planning.next_watch_at(before, window, minutes, rng, MONDAY_NINE)]
    while during[-1].hour == 9 or during[-1] < datetime(2026, 3, 2, 9, tzinfo=PARIS):
        during.append(planning.next_watch_at(during[-1], window, minutes, rng, MONDAY_NINE))

    gaps = [b - a for a, b in zip([before, *during], during, strict=False)]
    assert all(gap == timedelta(minutes=15) for gap in gaps[:-1])  # never closer than 15 min
    tuesday = datetime(2026, 3, 3, 8, 50, tzinfo=PARIS)
    later = planning.next_watch_at(tuesday, window, minutes, random.Random(1), MONDAY_NINE)
    assert later - tuesday >= timedelta(minutes=15)


def test_an_evidence_attempt_on_the_advised_weekday_goes_to_the_advised_hour():
    window = planning.parse_window("08:00-19:00", "mon-sat")
    saturday = datetime(2026, 2, 28, 15, 0, tzinfo=PARIS)  # the next window day is Monday

    moment = planning.next_evidence_at(
        saturday, 15, window, 6, random.Random(2), advice=MONDAY_NINE
    )

    assert (moment.weekday(), moment.hour) == (0, 9)
    after = planning.next_evidence_at(moment, 9, window, 6, random.Random(2), advice=MONDAY_NINE)
    assert after.weekday() == 1 and after.hour >= 12  # Tuesday: the usual alternation


def test_the_advised_hour_never_breaks_the_rule_of_another_hour_than_the_last():
    window = planning.parse_window("08:00-19:00", "mon-sat")
    sunday_evening = datetime(2026, 3, 1, 20, 0, tzinfo=PARIS)

    moment = planning.next_evidence_at(
        sunday_evening, 10, window, 6, random.Random(3), advice=MONDAY_NINE
    )

    assert moment.hour >= 12  # last attempt in the morning: this one in the afternoon
