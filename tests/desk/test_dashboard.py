"""The volunteer dashboard: action lists across the member's organisations, cheap at scale."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from creneau.assessment.models import CaseAssessment
from creneau.cases.models import Attempt, Case, Person
from creneau.catalog.models import Department
from tests.conftest import make_case, make_member

pytestmark = pytest.mark.django_db


def attempt(case, days_ago, outcome="no_slot"):
    at = timezone.now() - timedelta(days=days_ago)
    return Attempt.objects.create(case=case, channel="online", at=at, outcome=outcome)


def verdict(case, value):
    """A stored verdict as fresh as the case (the dashboard recomputes stale ones)."""
    case.refresh_from_db()
    CaseAssessment.objects.create(case=case, verdict=value, computed_at=case.updated_at)


def section(response, key):
    return next(s for s in response.context["sections"] if s.key == key)


def test_the_home_page_is_the_dashboard(personas):
    response = personas.client_for(personas.alice).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/tableau-de-bord/"
    assert "Tableau de bord" in response.content.decode()


def test_each_list_holds_the_cases_that_need_that_action(personas):
    slots = make_case(personas.group, family_name="Slots")
    attempt(slots, 2, "slots_available")
    stale = make_case(personas.group, family_name="Stale")
    attempt(stale, 9)
    Case.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=20))
    fresh = make_case(personas.group, family_name="Fresh")  # created today: not stale yet
    expiring = make_case(personas.group, title_expires_on=timezone.localdate() + timedelta(days=10))
    attempt(expiring, 1)
    weak = make_case(personas.group)
    attempt(weak, 1)
    verdict(weak, "weak")
    ready = make_case(personas.group)
    attempt(ready, 1)
    verdict(ready, "strong")
    closed = make_case(personas.group, status="closed")
    attempt(closed, 30)
    verdict(closed, "insufficient")

    response = personas.client_for(personas.bob).get("/tableau-de-bord/")

    def refs(key):
        return {case.reference for case in section(response, key).cases}

    assert refs("slots") == {slots.reference}
    assert refs("stale") == {stale.reference}
    assert refs("expiring") == {expiring.reference}
    # Every open case is assessed before the lists are drawn: those never assessed are
    # insufficient (one attempt or none), so they need more evidence too.
    insufficient = {c.reference for c in (slots, stale, fresh, expiring)}
    assert refs("gaps") == {weak.reference} | insufficient
    assert refs("ready") == {ready.reference}
    assert fresh.reference not in refs("stale")
    assert closed.reference not in str(response.content)
    assert response.context["open_total"] == 6


def test_cases_with_e_mails_awaiting_approval_are_listed_once(personas):
    from creneau.correspondence.models import MailDraft

    waiting = make_case(personas.group, family_name="Attente")
    sent = make_case(personas.group, family_name="Parti")
    for _ in range(2):
        MailDraft.objects.create(
            case=waiting, recipient="pref@example.org", subject="s", body="b", message=b"x"
        )
    MailDraft.objects.create(
        case=sent, recipient="pref@example.org", subject="s", body="b", message=b"x", state="sent"
    )

    listed = section(personas.client_for(personas.alice).get("/tableau-de-bord/"), "mail")

    assert [c.reference for c in listed.cases] == [waiting.reference]
    assert listed.count == 1


def test_an_outsider_sees_none_of_the_groups_cases(personas):
    from creneau.correspondence.models import MailDraft

    case = make_case(personas.group)
    attempt(case, 1, "slots_available")
    MailDraft.objects.create(
        case=case, recipient="pref@example.org", subject="s", body="b", message=b"x"
    )
    response = personas.client_for(personas.charlie).get("/tableau-de-bord/")
    assert all(s.count == 0 for s in response.context["sections"])
    assert case.reference not in response.content.decode()


def test_a_visitor_is_sent_to_the_login_page(personas):
    from django.test import Client

    response = Client().get("/tableau-de-bord/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_the_dashboard_costs_the_same_few_queries_with_two_thousand_cases(personas):
    department = Department.objects.get(code="93")
    people = Person.objects.bulk_create(
        Person(organisation=personas.group, family_name=f"P{i}") for i in range(2000)
    )
    cases = Case.objects.bulk_create(
        Case(
            organisation=personas.group,
            person=person,
            procedure_kind="renewal",
            department=department,
            reference=f"R{i:07d}",
        )
        for i, person in enumerate(people)
    )
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            case=case,
            channel="online",
            at=now - timedelta(days=i % 15, hours=h),
            outcome="slots_available" if i % 50 == 0 and h == 0 else "no_slot",
        )
        for i, case in enumerate(cases)
        for h in range(5)
    )
    Case.objects.recompute_last_attempts()  # bulk_create skips Attempt.save
    CaseAssessment.objects.bulk_create(
        CaseAssessment(case=case, verdict=["weak", "strong"][i % 2], computed_at=now)
        for i, case in enumerate(cases)
    )
    for value in ("weak", "strong"):  # bulk_create skips save(), which copies it to the case
        Case.objects.filter(assessment__verdict=value).update(verdict=value)
    client = personas.client_for(personas.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tableau-de-bord/")
    assert response.status_code == 200
    # Seven lists (a count and a page each), the session, the user, the checks.
    assert len(queries) <= 22, [q["sql"][:120] for q in queries]
    assert section(response, "gaps").count == 1000
    assert section(response, "slots").count == len(
        [i for i in range(2000) if i % 50 == 0 and i % 15 < 7]
    )


def test_a_new_organisation_sees_first_steps_rather_than_empty_lists(personas):
    page = personas.client_for(personas.alice).get("/tableau-de-bord/").content.decode()
    assert "Premiers pas" in page and "Créer le premier dossier" in page
    assert "Rien à faire ici" not in page
    assert "autres bénévoles sont membres" in page  # Alice and Bob


def test_the_first_steps_of_an_admin_alone_include_the_configuration_and_an_invitation(personas):
    dora = make_member("dora", personas.other_group, role="admin")
    response = personas.client_for(dora).get("/tableau-de-bord/")
    steps = {step.key: step.done for step in response.context["steps"]}
    assert steps["case"] is False
    assert steps["invite"] is True  # charlie is already a member of the LDH
    assert "configuration" in steps


def test_the_first_steps_go_once_there_is_a_case(personas, alice_case):
    page = personas.client_for(personas.alice).get("/tableau-de-bord/").content.decode()
    assert "Premiers pas" not in page


def test_the_slots_count_is_exactly_the_cases_whose_page_showed_slots_while_they_followed_it(
    personas,
):
    """Compared with the rule worked out here case by case, over pages whose slots were seen
    at different times: open now, closed within the week, closed before the case followed the
    page, closed weeks ago; and pages that never showed any."""
    from creneau.catalog.models import BookingPage
    from creneau.notifications.models import SlotEpisode

    now = timezone.now()
    pages = [BookingPage.objects.create(url=f"https://rdv.example.fr/{n}") for n in range(5)]
    episodes = [
        (pages[0], now - timedelta(days=2), None),
        (pages[1], now - timedelta(days=6), now - timedelta(days=3)),
        (pages[2], now - timedelta(days=30), now - timedelta(days=20)),
        (pages[3], now - timedelta(days=9), now - timedelta(days=6, hours=12)),
    ]
    for page, opened, closed in episodes:
        SlotEpisode.objects.create(page=page, opened_at=opened, closed_at=closed)
    cases = []
    for n in range(40):
        case = make_case(personas.group, family_name=f"Nom{n}", booking_page=pages[n % 5])
        created = now - timedelta(days=n % 8, hours=1)
        Case.objects.filter(pk=case.pk).update(created_at=created)
        cases.append((case, pages[n % 5], created))
    since = now - timedelta(days=7)

    def saw(page, created):
        return any(
            p == page and (closed is None or (closed >= since and closed >= created))
            for p, _, closed in episodes
        )

    expected = {case.pk for case, page, created in cases if saw(page, created)}
    response = personas.client_for(personas.alice).get("/tableau-de-bord/")

    assert 0 < len(expected) < len(cases)
    assert section(response, "slots").count == len(expected)
    assert {c.pk for c in section(response, "slots").cases} <= expected


def test_every_count_is_exactly_the_cases_its_rule_picks_case_by_case(personas):
    """Each section's count (each from its own index now) compared with its rule worked out
    here case by case, over open and closed cases that mix every field the sections read:
    last attempt (none, recent, old), creation date, title expiry (none, past, inside and just
    outside the 30 days), slots seen (recent, old), verdict, schedule (none, failing, failing
    but paused, failing because of the set-up, fine)."""
    from creneau.scheduling.control import FAILED_RUNS
    from creneau.scheduling.models import EvidenceSchedule

    now = timezone.now()
    today = timezone.localdate(now)
    statuses = ["gathering", "ready", "closed"]
    attempts = [None, now - timedelta(days=2), now - timedelta(days=9), now - timedelta(days=30)]
    created = [now - timedelta(days=1), now - timedelta(days=20)]
    expiries = [None, -3, 0, 10, 30, 31, 60]
    slots = [None, now - timedelta(days=3), now - timedelta(days=8)]
    verdicts = ["insufficient", "weak", "adequate", "strong"]
    schedules = [None, ("error", False), ("captcha", True), ("setup", False), ("no_slot", False)]
    rows = []
    for n in range(90):
        case = make_case(personas.group, family_name=f"Nom{n}")
        expiry = expiries[n % 7]
        fields = {
            "status": statuses[n % 3],
            "last_attempt_at": attempts[n % 4],
            "created_at": created[n % 2] - timedelta(minutes=n),
            "title_expires_on": None if expiry is None else today + timedelta(days=expiry),
            "last_slots_at": slots[n % 5 % 3],
            "verdict": verdicts[n // 3 % 4],
        }
        Case.objects.filter(pk=case.pk).update(**fields)
        schedule = schedules[n % 5 if n % 11 else 1]
        if schedule:
            EvidenceSchedule.objects.create(
                case=case,
                next_run_at=now,
                last_run_at=now - timedelta(minutes=n),
                last_outcome=schedule[0],
                paused_at=now if schedule[1] else None,
            )
        case.refresh_from_db()
        CaseAssessment.objects.create(case=case, verdict=case.verdict, computed_at=case.updated_at)
        rows.append((case, fields, schedule))
    since = now - timedelta(days=7)

    def stale(f):
        tried = f["last_attempt_at"]
        return tried < since if tried else f["created_at"] < since

    rules = {
        "slots": lambda f, s: f["last_slots_at"] is not None and f["last_slots_at"] >= since,
        "failing": lambda f, s: s is not None and s[0] in FAILED_RUNS and not s[1],
        "stale": lambda f, s: stale(f),
        "expiring": lambda f, s: (
            f["title_expires_on"] is not None
            and today <= f["title_expires_on"] <= today + timedelta(days=30)
        ),
        "gaps": lambda f, s: f["verdict"] in ("insufficient", "weak"),
        "ready": lambda f, s: f["verdict"] in ("adequate", "strong"),
    }
    open_rows = [(c, f, s) for c, f, s in rows if f["status"] != "closed"]
    response = personas.client_for(personas.alice).get("/tableau-de-bord/")

    assert response.context["open_total"] == len(open_rows) == 60
    for key, rule in rules.items():
        expected = {c.pk for c, f, s in open_rows if rule(f, s)}
        assert 0 < len(expected) < len(open_rows), key
        assert section(response, key).count == len(expected), key
        assert {c.pk for c in section(response, key).cases} <= expected, key
    # The stale list's order: never tried first (oldest first), then the longest untried.
    stale_order = sorted(
        (f["last_attempt_at"] is not None, f["last_attempt_at"] or now, f["created_at"], c.pk)
        for c, f, s in open_rows
        if stale(f)
    )
    assert [c.pk for c in section(response, "stale").cases] == [k[-1] for k in stale_order[:8]]
    # The failing list's: the latest run first (here, the lowest n).
    latest_first = [c.pk for c, f, s in open_rows if rules["failing"](f, s)]
    assert [c.pk for c in section(response, "failing").cases] == latest_first[:8]
