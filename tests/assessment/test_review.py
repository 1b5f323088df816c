"""Adversarial review of the assessment: real case histories through the real commands.

Each JSON file in ``histories/`` is a fictional case in the documented format (written by
``histories/generate.py``); ``histories/expected.json`` holds the verdict and the reasons that
cap it (code:level initial), judged against the case law (CE 10 juin 2020 n° 435594, CE 9 juin
2022 n° 453391) and the guide's practice.
"""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from creneau.accounts.models import Organisation
from creneau.assessment.thresholds import load_thresholds
from creneau.assessment.verdict import assess
from creneau.privacy.transfer import import_case, load_file

from .factories import at, attempt, facts, weekly

HISTORIES = Path(__file__).resolve().parent / "histories"
EXPECTED = json.loads((HISTORIES / "expected.json").read_text(encoding="utf-8"))
CAPPING = {"fatal", "missing", "caution"}
STALE = re.compile(r"\b(R\.?\s*-?\s*311-1|L\.?\s*-?\s*511-1)\b")


def run(capsys, *args: str) -> dict:
    capsys.readouterr()
    call_command(*args)
    return json.loads(capsys.readouterr().out)


def assess_history(capsys, name: str) -> dict:
    # The histories attach one placeholder image (not a screenshot of a booking page) to every
    # attempt: `case import` would read it and set every attempt aside (the same picture each
    # time, no statement). They review the rules; what readings change is tested in
    # tests/screenshots and tests/court, so the case is imported without reading its images.
    organisation = Organisation.objects.get_or_create(slug="review", defaults={"name": "R"})[0]
    case = import_case(load_file(HISTORIES / f"{name}.json"), organisation).reference
    return run(capsys, "assess", case, "--json", "--today", EXPECTED[name]["today"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_history_gets_the_reviewed_verdict_and_reasons(name, capsys):
    data = assess_history(capsys, name)
    expected = EXPECTED[name]
    capping = sorted(
        f"{r['code']}:{r['level'][0]}" for r in data["reasons"] if r["level"] in CAPPING
    )
    assert (data["verdict"], capping) == (expected["verdict"], expected["blocking"])
    codes = {r["code"] for r in data["reasons"]}
    assert set(expected["info"]) <= codes


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_reason_cites_a_current_source_in_french(name, capsys):
    data = assess_history(capsys, name)
    for reason in data["reasons"]:
        assert reason["source"].strip(), reason["code"]
        assert not STALE.search(reason["text"] + reason["source"]), reason
        assert not re.search(r"%\(|\{\w+\}|None", reason["text"]), reason
    # Practice figures and unchecked delays are shown as unverified, never as law.
    assert "practice.first_application.min_weeks" in data["unverified_thresholds"]
    for reason in data["reasons"]:
        if reason["code"].startswith("practice_"):
            assert "pas une règle de droit" in reason["text"]


@pytest.mark.django_db
def test_a_future_attempt_is_refused_at_import(tmp_path, capsys):
    history = json.loads((HISTORIES / "spread_4w.json").read_text(encoding="utf-8"))
    history["attempts"][0]["at"] = "2999-01-01T10:00:00+01:00"
    del history["attempts"][0]["files"]
    path = tmp_path / "future.json"
    path.write_text(json.dumps(history), encoding="utf-8")
    with pytest.raises(Exception, match="futur"):
        call_command("case", "import", str(path), "--json")


def test_a_burst_on_one_day_counts_as_one_day_of_diligence():
    burst = [attempt(at(2026, 3, 2, 9, minute)) for minute in range(40)]
    result = assess(facts([*burst, *weekly(date_of(2026, 3, 9), 2, days=(0,))]), load_thresholds())
    assert result.metrics.counted == 42
    assert result.metrics.active_days == 3
    assert result.metrics.days_per_week < 2
    assert "practice_frequency" in {r.code for r in result.reasons if r.level == "caution"}


def test_a_duplicate_in_the_same_minute_is_counted_once():
    one = attempt(at(2026, 3, 2, 9, 5))
    result = assess(facts([one, one, one, *weekly(date_of(2026, 3, 9), 3)]), load_thresholds())
    assert result.metrics.duplicates == 2
    assert result.metrics.counted == 10


def test_attempts_after_the_assessment_day_are_set_aside():
    snapshot = facts(weekly(date_of(2026, 3, 2), 6), today=date_of(2026, 3, 20))
    result = assess(snapshot, load_thresholds())
    assert result.metrics.future > 0
    assert result.metrics.days_since_last is not None and result.metrics.days_since_last >= 0


def test_sealed_captures_make_a_strong_renewal_where_bare_declarations_stay_weak():
    thresholds = load_thresholds()
    written = [
        attempt(at(2026, 3, 3, 11), "email", "sent"),
        attempt(at(2026, 3, 17, 11), "letter", "delivered"),
        attempt(at(2026, 3, 24, 9), "counter", "refused"),
    ]
    sealed = facts(
        [*weekly(date_of(2026, 3, 2), 8), *written], title_expires_on=date_of(2026, 5, 1)
    )
    assert assess(sealed, thresholds).verdict == "strong"
    bare = facts(
        [*weekly(date_of(2026, 3, 2), 8, evidence="manual", has_files=False), *written],
        title_expires_on=date_of(2026, 5, 1),
    )
    assert assess(bare, thresholds).verdict == "weak"


def test_five_hundred_attempts_are_all_judged():
    # How fast: bench/assessment.py (ratios, never timed assertions here).
    start = at(2026, 1, 5, 0, 0)
    many = [attempt(start + timedelta(days=i // 8, hours=(7 + 3 * i) % 24)) for i in range(500)]
    result = assess(facts(many), load_thresholds())
    assert result.metrics.total == 500
    assert result.metrics.distinct_weeks == 9


def date_of(year: int, month: int, day: int) -> date:
    return date(year, month, day)
