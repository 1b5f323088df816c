"""Assisted attempts: a person answers the challenge, the server's browser does the rest.

1. ``remind``: at a varied humane time the person receives a personal link (signed, expiring);
2. on their phone they press « Commencer »: ``run_session`` (queue ``assisted``) opens the booking
   page in a server-side browser session, screenshots the challenge area and stores it;
3. the person reads the image and types the code; the worker, which kept the page open, types it
   into the real page and continues (up to ``MAX_ROUNDS`` codes if one is refused);
4. the resulting page is captured and sealed like any attempt, and recorded as an Attempt.

Software never solves a challenge: the code comes from the person's answer only. When the relay
is impossible (no challenge found, the session times out), the page offers the manual fallback:
the person uploads their own screenshot, sealed at arrival.
"""

import base64
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from creneau.cases.models import Attempt, Case, Channel, Outcome
from creneau.catalog.models import BookingPage
from creneau.evidence.attempts import Incoming, record_attempt, record_capture, seal_file
from creneau.evidence.capture import seal_page
from creneau.lib import browser
from creneau.lib.browser import PageSnapshot
from creneau.notifications import alerts
from creneau.scheduling import politeness
from creneau.scheduling.models import AssistedSession
from creneau.watch import drivers
from creneau.watch.classify import Classification
from creneau.watch.drivers import driver_for, stored_config

# Unchanged when the module moved from the watch app: links already sent stay valid.
SALT = "creneau.watch.assisted"
MAX_ROUNDS = 3
POLL_SECONDS = 1.0
# The worker holding a session moves ``progress_at`` at least this often…
HEARTBEAT = timedelta(seconds=15)
# …so a session in the browser's hands that has not moved for this long lost its worker.
STALLED = timedelta(minutes=2)
LIVE = (AssistedSession.State.CHALLENGE, AssistedSession.State.ANSWERED)
# States in which the person can act on a session (start, answer, start again).
WAITING = (
    AssistedSession.State.REMINDED,
    AssistedSession.State.FAILED,
    AssistedSession.State.CHALLENGE,
)
ANSWER_PARAMETER = "captcha_answer"
T = TypeVar("T")


class AssistedError(Exception):
    """The relay could not go on; the message is shown to the person and logged."""


# --- (1) reminder and link -------------------------------------------------------------------


def path_for(session: AssistedSession) -> str:
    return reverse("assisted", args=[signing.dumps(session.pk, salt=SALT)])


def link_for(session: AssistedSession) -> str:
    return settings.SITE_URL + path_for(session)


def session_for_token(token: str) -> AssistedSession | None:
    """The session a link points to, or None when forged or expired."""
    max_age = settings.ASSISTED_LINK_HOURS * 3600
    try:
        pk = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return (
        AssistedSession.objects.select_related("case__booking_page", "case__person")
        .filter(pk=pk)
        .first()
    )


def remind(case: Case, now: datetime) -> AssistedSession:
    expires = now + timedelta(hours=settings.ASSISTED_LINK_HOURS)
    session = AssistedSession.objects.create(case=case, expires_at=expires)
    link = link_for(session)
    transaction.on_commit(lambda: alerts.send_reminder(case, link, expires))
    return session


def waiting_links(case: Case, now: datetime) -> list[str]:
    """Links to the case's sessions the person can still act on, newest first."""
    waiting = AssistedSession.objects.filter(
        case=case, expires_at__gt=now, state__in=WAITING
    ).order_by("-created_at")
    return [path_for(session) for session in waiting]


def expired(session: AssistedSession, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= session.expires_at


def request_start(session: AssistedSession) -> bool:
    """The person pressed « Commencer » (or « Réessayer » after the site refused every code):
    True once, when the browser session is to be queued."""
    startable = models.Q(
        state__in=[AssistedSession.State.REMINDED, AssistedSession.State.FAILED]
    ) | models.Q(pk__in=refused_to_the_end().values("pk"))
    updated = (
        AssistedSession.objects.filter(pk=session.pk)
        .filter(startable)
        .update(
            state=AssistedSession.State.REQUESTED,
            error="",
            answer="",
            rounds=0,
            progress_at=timezone.now(),
        )
    )
    return updated == 1


def refused_to_the_end() -> "models.QuerySet[AssistedSession]":
    """Sessions whose last typed code the site refused (it still showed a challenge after it)."""
    return AssistedSession.objects.filter(
        state=AssistedSession.State.DONE, rounds__gt=0, attempt__outcome=Outcome.CAPTCHA
    )


def code_refused(session: AssistedSession) -> bool:
    """The site answered the person's code with a new challenge: the code was refused.

    In ``challenge`` state after the first round (the worker asks again), or done with a page
    that still shows a challenge after a code was typed (every round refused)."""
    if session.state == AssistedSession.State.CHALLENGE:
        return session.rounds > 1
    return refused_to_the_end().filter(pk=session.pk).exists()


def tries_left(session: AssistedSession) -> int:
    """Codes the person may still type in this session (the current one included)."""
    return max(MAX_ROUNDS - session.rounds + 1, 0)


def give_answer(session: AssistedSession, answer: str) -> bool:
    cleaned = answer.strip()[:40]
    updated = AssistedSession.objects.filter(
        pk=session.pk, state=AssistedSession.State.CHALLENGE, expires_at__gt=timezone.now()
    ).update(state=AssistedSession.State.ANSWERED, answer=cleaned)
    return bool(cleaned) and updated == 1


def challenge_data_url(session: AssistedSession) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(session.challenge)).decode()


# --- (2)–(4) the relay -----------------------------------------------------------------------


class _BrowserThread:
    """One thread for one live session's calls into the browser seam (which serves any thread
    from the process's one browser; the session's context is closed with the session)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="creneau-assisted")

    def call(self, work: Callable[..., T], *args: Any) -> T:
        return self.pool.submit(work, *args).result()

    def close(self) -> None:
        self.pool.shutdown()


def run_session(session_id: int, wait: Callable[[float], None] = time.sleep) -> str:
    """Hold a browser session for one assisted attempt; return the recorded outcome."""
    session = AssistedSession.objects.select_related("case__booking_page").get(pk=session_id)
    page = session.case.booking_page
    if page is None or expired(session):
        return _fail(
            session, "expired" if page else "no booking page", AssistedSession.State.EXPIRED
        )
    grant = politeness.take(politeness.host_of(page.url))
    if not grant.granted:
        return _fail(session, "the booking site asks us to wait; try again later")
    _beat(session)
    thread = _BrowserThread()
    try:
        return _relay(session, page, thread, wait)
    except AssistedError as exc:
        return _fail(session, str(exc))
    finally:
        thread.close()


def _relay(
    session: AssistedSession,
    page: BookingPage,
    thread: _BrowserThread,
    wait: Callable[[float], None],
) -> str:
    driver = driver_for(page.system)
    config = dict(stored_config(page))
    opening = driver.steps(config)
    browser_id, error = thread.call(browser.open_session, page.url, opening)
    try:
        for _ in range(MAX_ROUNDS):
            picture = thread.call(browser.session_screenshot, browser_id, driver.challenge)
            if error or not picture:
                # No challenge to relay: the page says something else (error, closed…): seal it.
                snap = thread.call(browser.session_snapshot, browser_id)
                return _seal_and_record(session, page, snap, config)
            answer = _ask(session, picture, wait)
            steps = driver.steps({**config, ANSWER_PARAMETER: answer})[len(opening) :]
            snap = thread.call(browser.session_continue, browser_id, steps)
            verdict = drivers.judge(page.system, snap, config)
            if verdict.outcome != Outcome.CAPTCHA:
                politeness.record(politeness.host_of(page.url), verdict.outcome, snap.status)
                return _seal_and_record(session, page, snap, config, verdict)
            error = ""
        snap = thread.call(browser.session_snapshot, browser_id)
        return _seal_and_record(session, page, snap, config)
    finally:
        thread.call(browser.close_session, browser_id)


def _ask(session: AssistedSession, picture: bytes, wait: Callable[[float], None]) -> str:
    """Show the challenge to the person and wait for their answer (bounded)."""
    now = timezone.now()
    shown = AssistedSession.objects.filter(pk=session.pk, expires_at__gt=now).update(
        state=AssistedSession.State.CHALLENGE,
        challenge=picture,
        challenge_at=now,
        progress_at=now,
        answer="",
        rounds=session.rounds + 1,
    )
    if not shown:  # expired, or withdrawn by a volunteer, while the page was opening
        raise AssistedError("the link expired or was withdrawn before the challenge showed")
    session.rounds += 1
    deadline = time.monotonic() + settings.ASSISTED_ANSWER_SECONDS
    beaten = time.monotonic()
    while time.monotonic() < deadline:
        row = AssistedSession.objects.filter(pk=session.pk).values("state", "answer").get()
        if row["state"] == AssistedSession.State.ANSWERED and row["answer"]:
            return str(row["answer"])
        if row["state"] not in LIVE:
            raise AssistedError("the session was closed while waiting for the answer")
        if time.monotonic() - beaten >= HEARTBEAT.total_seconds():
            _beat(session)
            beaten = time.monotonic()
        wait(POLL_SECONDS)
    raise AssistedError("no answer in time")


def _beat(session: AssistedSession) -> None:
    AssistedSession.objects.filter(pk=session.pk).update(progress_at=timezone.now())


def sweep_stalled(now: datetime, only: int | None = None) -> int:
    """Fail the sessions whose worker died holding the browser (killed, machine restarted).

    Without this a person would watch « en cours » until the link expires. A failed session
    can be started again from the same link; a session past its link's life is expired.
    Sessions still waiting in the queue (``requested``) are left alone: a restarted worker
    takes them. ``only``: just this session (its page checks it on every reload).
    """
    sessions = AssistedSession.objects.all()
    if only is not None:
        sessions = sessions.filter(pk=only)
    stalled = sessions.filter(state__in=LIVE).filter(
        models.Q(progress_at__lt=now - STALLED) | models.Q(progress_at__isnull=True)
    )
    late = sessions.filter(state__in=[*LIVE, AssistedSession.State.REQUESTED], expires_at__lte=now)
    expired_count = late.update(
        state=AssistedSession.State.EXPIRED, answer="", challenge=b"", error="expired"
    )
    failed_count = stalled.update(
        state=AssistedSession.State.FAILED,
        answer="",
        challenge=b"",
        error="interrupted: the server stopped while the page was open",
    )
    return expired_count + failed_count


def _seal_and_record(
    session: AssistedSession,
    page: BookingPage,
    snap: PageSnapshot,
    config: dict[str, Any],
    verdict: Classification | None = None,
) -> str:
    """(4) Seal the page the person's answer led to, then record the Attempt."""
    verdict = verdict or drivers.judge(page.system, snap, config)
    sealed = seal_page(snap, verdict, case=session.case, note=ASSISTED_NOTE)
    attempt = record_capture(sealed.capture_id)
    AssistedSession.objects.filter(pk=session.pk).update(
        state=AssistedSession.State.DONE, attempt=attempt, answer="", challenge=b""
    )
    alerts.page_answered(page, verdict.outcome)
    return verdict.outcome


ASSISTED_NOTE = "challenge answered by the person; software never answers"


def _fail(session: AssistedSession, error: str, state: str = AssistedSession.State.FAILED) -> str:
    AssistedSession.objects.filter(pk=session.pk).update(
        state=state, error=error[:500], answer="", challenge=b""
    )
    return state


# --- Manual fallback -------------------------------------------------------------------------


def record_upload(session: AssistedSession, data: bytes, filename: str, outcome: str) -> Attempt:
    """The person's own screenshot, sealed at arrival, recorded as a manual online attempt."""
    filed = seal_file(session.case, Incoming(data, filename))
    with transaction.atomic():
        attempt = record_attempt(
            session.case,
            channel=Channel.ONLINE,
            outcome=outcome,
            at=timezone.now(),
            note="capture d'écran envoyée par la personne (tentative assistée)",
            files=[filed],
        )
        AssistedSession.objects.filter(pk=session.pk).update(
            state=AssistedSession.State.DONE, attempt=attempt, answer="", challenge=b""
        )
    return attempt
