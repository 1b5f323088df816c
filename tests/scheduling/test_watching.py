"""Watches and evidence attempts against the simulators, in real Chromium, with real e-mail."""

import random
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from creneau.cases.models import Attempt
from creneau.catalog.models import BookingPage
from creneau.evidence.journal import head
from creneau.evidence.models import Capture
from creneau.lib import browsing
from creneau.notifications.models import AlertLog, SlotEpisode
from creneau.scheduling import attempts, planning, politeness, scheduler, tasks
from creneau.scheduling.models import EvidenceSchedule, HostBudget
from tests.scheduling.conftest import Mailbox, follow, run_queued

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
VOLUNTEER = "alice@cimade93.example"


@pytest.fixture
def always_open(settings):
    """Watch at any hour; evidence attempts never (each test says when it wants them)."""
    settings.WATCH_HOURS, settings.WATCH_DAYS = "00:00-23:59", "mon-sun"
    settings.EVIDENCE_HOURS, settings.EVIDENCE_DAYS = "00:00-23:59", "mon-sun"


@pytest.fixture
def quick_failures(monkeypatch):
    """Error pages lack the driver's buttons: let a missing one fail after 3 s, not 30."""
    real = browsing.snapshot
    monkeypatch.setattr(
        browsing, "snapshot", lambda url, steps=(), **kw: real(url, steps, **{**kw, "timeout_s": 3})
    )


def wait_for_mail(mailbox: Mailbox, address: str, count: int, seconds: float = 20) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = mailbox.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{address}: {len(mailbox.to(address))} message(s), expected {count}")


def tick_and_run(now, capture_on_commit) -> None:
    """One scheduler pass, then the workers' work (the alert task is queued on commit)."""
    with capture_on_commit(execute=True):
        scheduler.tick(now, dispatch=tasks.enqueue)
        run_queued()
    run_queued()


def claim_evidence_now() -> scheduler.Work:
    """Create the case's schedule, make its first attempt due now, and claim it."""
    now = timezone.now()
    scheduler.ensure_schedules(now, random.Random(1))
    EvidenceSchedule.objects.update(next_run_at=now)
    claimed = scheduler.claim_evidence(
        now, list(planning.followed_pages().values_list("pk", "url")), {}
    )
    return claimed[0]


def only_watches(monkeypatch) -> None:
    monkeypatch.setattr(scheduler, "claim_evidence", lambda now, pages, budgets: [])


def test_slots_appearing_send_an_email_alert_within_one_watch_interval(
    sim, smtp, personas, always_open, monkeypatch, django_capture_on_commit_callbacks
):
    """GIVEN a case following a legacy page that shows no slot, watched once
    WHEN the page starts showing slots and the next watch comes (≤ 30 min later)
    THEN the person and the volunteer each receive one e-mail with the booking link."""
    only_watches(monkeypatch)
    personas.alice.email = VOLUNTEER
    personas.alice.save()
    page = BookingPage.objects.create(url=sim.url("legacy"), system="legacy", label="Bobigny")
    case = follow(page, personas)
    person_address = case.person.email
    tick_and_run(timezone.now(), django_capture_on_commit_callbacks)
    assert smtp.messages == []

    sim.set_state("legacy", "slots")
    flipped = time.monotonic()
    tick_and_run(timezone.now() + timedelta(minutes=30), django_capture_on_commit_callbacks)

    to_person = wait_for_mail(smtp, person_address, 1)
    to_volunteer = wait_for_mail(smtp, VOLUNTEER, 1)
    assert time.monotonic() - flipped < 60
    assert sim.url("legacy") in to_person[0] and case.reference in to_volunteer[0]
    assert "Subject: =?utf-8?q?Cr=C3=A9neaux_disponibles" in to_person[0]
    assert AlertLog.objects.filter(result="delivered").count() == 2


def test_an_availability_episode_is_alerted_once_not_at_every_check(
    sim, smtp, personas, always_open, monkeypatch, settings, django_capture_on_commit_callbacks
):
    only_watches(monkeypatch)
    settings.POLITENESS_CAPACITY = 10  # five checks within seconds of real time
    page = BookingPage.objects.create(url=sim.url("legacy"), system="legacy")
    case = follow(page, personas)
    sim.set_state("legacy", "slots")
    for minutes in (0, 30, 60):
        tick_and_run(
            timezone.now() + timedelta(minutes=minutes), django_capture_on_commit_callbacks
        )
    assert len(wait_for_mail(smtp, case.person.email, 1)) == 1

    sim.set_state("legacy", "no_slot")
    tick_and_run(timezone.now() + timedelta(minutes=90), django_capture_on_commit_callbacks)
    sim.set_state("legacy", "slots")
    tick_and_run(timezone.now() + timedelta(minutes=120), django_capture_on_commit_callbacks)

    assert len(wait_for_mail(smtp, case.person.email, 2)) == 2
    assert SlotEpisode.objects.filter(page=page).count() == 2
    page.watcher.refresh_from_db()
    assert page.watcher.runs == 5


def test_an_evidence_attempt_is_sealed_recorded_and_chained(sim, personas, always_open, tsa_on):
    page = BookingPage.objects.create(url=sim.url("legacy"), system="legacy")
    case = follow(page, personas)
    work = claim_evidence_now()

    assert attempts.evidence_attempt(work.row_id, work.claim) == "no_slot"

    attempt = Attempt.objects.get(case=case)
    capture = Capture.objects.get(attempt=attempt)
    assert (attempt.channel, attempt.source, attempt.outcome) == ("online", "sealed", "no_slot")
    assert capture.seal.state == "sealed"
    assert head(case).attempt == attempt
    schedule = EvidenceSchedule.objects.get(case=case)
    assert schedule.claimed_until is None and schedule.next_run_at > timezone.now()
    assert schedule.last_hour == timezone.localtime(attempt.at).hour


def test_a_site_outage_is_recorded_as_an_error_and_the_host_is_left_alone(
    sim, personas, always_open, quick_failures
):
    sim.set_state("legacy", "error503")
    page = BookingPage.objects.create(url=sim.url("legacy"), system="legacy")
    case = follow(page, personas)
    work = claim_evidence_now()

    assert attempts.evidence_attempt(work.row_id, work.claim) == "error"

    assert Attempt.objects.get(case=case).outcome == "error"
    budget = HostBudget.objects.get(host=politeness.host_of(page.url))
    assert budget.backoff_until is not None and budget.backoff_until > timezone.now()
    assert "503" in budget.last_failure
    requests_before = sim.stats()["total"]
    later = scheduler.tick(timezone.now() + timedelta(minutes=1), dispatch=lambda w: None)
    assert {w.kind for w in later.claimed} <= {"job"}  # no watch, no attempt while backing off
    assert sim.stats()["total"] == requests_before


def test_a_429_answer_puts_the_watcher_in_back_off(
    sim, personas, always_open, monkeypatch, quick_failures
):
    only_watches(monkeypatch)
    sim.set_state("legacy", "error429")
    page = BookingPage.objects.create(url=sim.url("legacy"), system="legacy")
    follow(page, personas)
    work = next(
        w
        for w in scheduler.tick(timezone.now(), dispatch=lambda w: None).claimed
        if w.kind == "watch"
    )

    assert attempts.watch_page(work.row_id, work.claim) == "error"

    status = politeness.status_for(page)
    assert status.backoff_until is not None and "429" in status.last_failure
    assert politeness.take(status.host).reason == "backoff"


class _Recorder(BaseHTTPRequestHandler):
    agents: list[str] = []

    def do_GET(self) -> None:
        _Recorder.agents.append(self.headers.get("User-Agent", ""))
        body = b"<!doctype html><p>Aucun cr\xc3\xa9neau disponible</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recording_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_requests_carry_an_honest_user_agent_naming_creneau(recording_site):
    snapshot = browsing.snapshot(recording_site)

    assert _Recorder.agents and all("Creneau/" in agent for agent in _Recorder.agents)
    assert "HeadlessChrome" not in _Recorder.agents[0]
    assert snapshot.user_agent == _Recorder.agents[0]
