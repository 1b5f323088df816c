import datetime
from zoneinfo import ZoneInfo

from creneau.cases.models import Attempt
from creneau.documents.exhibits import exhibit_of, plan_exhibits

PARIS = ZoneInfo("Europe/Paris")


def attempt(pk, day, channel="online", outcome="no_slot", month=9):
    at = datetime.datetime(2026, month, day, 10, 0, tzinfo=PARIS)
    return Attempt(pk=pk, channel=channel, at=at, outcome=outcome)


ATTEMPTS = [
    attempt(1, 1),
    attempt(2, 9),
    attempt(3, 15, "email", "sent"),
    attempt(4, 30),
    attempt(5, 2, month=10),
    attempt(6, 3, "online", "captcha", month=10),
    attempt(7, 5, "counter", "refused", month=10),
    attempt(8, 6, "phone", "no_answer", month=10),
]


def plan(**overrides):
    return plan_exhibits(ATTEMPTS, **({"holder": "Aminata DIALLO", "renewal": True} | overrides))


def test_exhibits_are_numbered_continuously_in_a_fixed_order():
    exhibits = plan()
    assert [e.number for e in exhibits] == list(range(1, len(exhibits) + 1))
    assert [e.kind for e in exhibits] == [
        "identity",
        "residence_title",
        "screenshots",
        "screenshots",
        "email",
        "counter",
        "journal",
        "timeline",
    ]


def test_screenshots_form_one_homogeneous_series_per_month_without_the_captcha():
    september, october = (e for e in plan() if e.kind == "screenshots")
    assert september.attempt_ids == (1, 2, 4)
    assert (september.first, september.last) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 30),
    )
    assert "septembre 2026 (3 tentatives, du 1er septembre 2026 au 30 septembre 2026)" in (
        september.label
    )
    assert october.attempt_ids == (5,)
    assert "le 2 octobre 2026" in october.label


def test_a_first_application_has_no_residence_title_exhibit():
    assert "residence_title" not in {e.kind for e in plan(renewal=False)}


def test_each_attempt_points_to_its_own_exhibit_and_the_journal_covers_the_rest():
    exhibits = plan()
    numbers = exhibit_of(exhibits)
    journal = next(e.number for e in exhibits if e.kind == "journal")
    assert numbers[1] == numbers[2] == 3
    assert numbers[3] == 5
    assert numbers[8] == journal  # a phone call has no document of its own


def test_file_names_follow_the_telerecours_rules():
    for exhibit in plan():
        stem = exhibit.filename_stem
        assert stem.startswith(f"{exhibit.number:02d}_")
        assert len(stem) <= 80
        assert stem.isascii() and "." not in stem and " " not in stem


def test_no_attempts_means_no_journal_exhibit():
    assert [e.kind for e in plan_exhibits([], holder="X", renewal=False)] == ["identity"]
