"""What a volunteer sees and may do about a case's online attempts (the case page's card).

``status`` says whether and when Créneau will try the case's booking page, in which humane
window, whether a run is going on, paused or was stopped by the page's setup, and how the
site's politeness budget stands. ``try_now`` only makes the case's schedule due now: the
scheduler then claims it like any other, within the host's budget (a run still takes its
token, and waits when there is none), never the same hour twice in a row. Pausing stops the
case's own attempts; the page's shared watcher goes on, for everyone's alerts.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from creneau.cases.access import preloaded
from creneau.cases.models import Case, Outcome
from creneau.scheduling import planning, politeness
from creneau.scheduling.assisted import refused_to_the_end
from creneau.scheduling.attempts import SETUP_PROBLEM, STORE_PROBLEM
from creneau.scheduling.models import AssistedSession, EvidenceSchedule
from creneau.scheduling.scheduler import ensure_case_schedule

# Runs whose last outcome needs a volunteer's eyes (the dashboard's « attempts failing » list).
FAILED_RUNS = (
    Outcome.ERROR,
    Outcome.UNKNOWN,
    Outcome.CAPTCHA,
    Outcome.QUEUE,
    SETUP_PROBLEM,
    STORE_PROBLEM,
)
PENDING_ASSISTED = (
    AssistedSession.State.REMINDED,
    AssistedSession.State.REQUESTED,
    AssistedSession.State.CHALLENGE,
    AssistedSession.State.ANSWERED,
    AssistedSession.State.FAILED,  # the person may start again, or send their own screenshot
)
# Where an assisted attempt stands, for the volunteer (never the worker's technical error).
ASSISTED_STATES: dict[str, str] = {
    AssistedSession.State.REMINDED: gettext_noop("lien envoyé à la personne, pas encore ouvert"),
    AssistedSession.State.REQUESTED: gettext_noop(
        "la personne a ouvert le lien : Créneau ouvre la page de rendez-vous"
    ),
    AssistedSession.State.CHALLENGE: gettext_noop(
        "le code est affiché à la personne, qui ne l'a pas encore tapé"
    ),
    AssistedSession.State.ANSWERED: gettext_noop(
        "code tapé par la personne : Créneau le transmet au site"
    ),
    AssistedSession.State.FAILED: gettext_noop(
        "interrompue : la personne peut recommencer avec le même lien, ou envoyer sa propre capture"
    ),
}
EVERY_CODE_REFUSED = gettext_noop(
    "le site a refusé chaque code tapé : la personne peut recommencer avec le même lien"
)


class Refusal(Exception):
    """« Tenter maintenant » cannot be granted now; the message says why and when."""


@dataclass(frozen=True)
class Status:
    """The case's online attempts, as the case page tells them."""

    mode: str  # automatic, assisted, alert_only, none; no_page; closed
    schedule: EvidenceSchedule | None
    window: str  # « du lundi au samedi, de 08:00 à 19:00 »
    per_week: int
    budget: politeness.BudgetStatus | None
    running: bool  # a worker holds the run now
    interrupted: bool  # a run started and never finished (its worker stopped)
    try_now: str  # why « tenter maintenant » is refused now, "" when it may be asked
    assisted: list["PendingAssisted"]

    @property
    def paused(self) -> bool:
        return bool(self.schedule and self.schedule.paused_at)

    @property
    def next_at(self) -> datetime | None:
        if self.schedule is None or self.paused:
            return None
        return self.schedule.next_run_at

    @property
    def last_outcome_label(self) -> str:
        last = self.schedule.last_outcome if self.schedule else ""
        if last == SETUP_PROBLEM:
            return _("page impossible à visiter telle qu'elle est réglée")
        if last == STORE_PROBLEM:
            return _("capture non gardée : le stockage des preuves n'a pas répondu")
        return str(Outcome(last).label) if last in Outcome.values else last

    @property
    def failing(self) -> bool:
        return bool(self.schedule and self.schedule.last_outcome in FAILED_RUNS)


def status(case: Case, now: datetime | None = None) -> Status:
    now = now or timezone.now()
    # Created here as the scheduler would at its next pass, so that the page says a real time.
    schedule = _schedule_of(case) or ensure_case_schedule(case, now)
    page = case.booking_page
    window = planning.evidence_window()
    per_week = planning.evidence_per_week(settings.EVIDENCE_PER_WEEK, case.procedure_kind, window)
    budget = politeness.status_for(page, now) if page is not None else None
    running = bool(schedule and schedule.claim and (schedule.claimed_until or now) > now)
    interrupted = bool(schedule and schedule.claim and not running)
    found = Status(
        mode=_mode(case),
        schedule=schedule,
        window=window_text(window),
        per_week=per_week,
        budget=budget,
        running=running,
        interrupted=interrupted,
        try_now="",
        assisted=pending_assisted(case, now),
    )
    return Status(**{**found.__dict__, "try_now": _refusal(case, found, now)})


def _schedule_of(case: Case) -> EvidenceSchedule | None:
    loaded, schedule = preloaded(case, "evidence_schedule")  # with the case (the case page)
    return schedule if loaded else EvidenceSchedule.objects.filter(case=case).first()


def _mode(case: Case) -> str:
    if case.status not in Case.ACTIVE_STATUSES:
        return "closed"
    if case.booking_page is None:
        return "no_page"
    return planning.mode_of(case.booking_page)


def window_text(window: planning.Window) -> str:
    """« du lundi au samedi, de 08:00 à 19:00 » (days in the interface's language)."""
    days = sorted(window.days)
    names = [str(WEEKDAYS[day]).lower() for day in days]
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        span = _("du %(first)s au %(last)s") % {"first": names[0], "last": names[-1]}
    else:
        span = ", ".join(names)
    return _("%(days)s, de %(start)s à %(end)s") % {
        "days": span,
        "start": formats.time_format(window.start, "TIME_FORMAT"),
        "end": formats.time_format(window.end, "TIME_FORMAT"),
    }


@dataclass(frozen=True)
class PendingAssisted:
    """An assisted attempt still waiting for the person, as the case page tells it."""

    session: AssistedSession
    state: str  # where it stands, in the volunteer's words
    last_news: datetime  # the last time the row moved (sent, opened, code shown, stopped)
    refused: int  # codes the site refused in this session so far

    @property
    def sent_at(self) -> datetime:
        return self.session.created_at

    @property
    def until(self) -> datetime:
        return self.session.expires_at


def pending_assisted(case: Case, now: datetime) -> list[PendingAssisted]:
    """The case's assisted attempts still waiting for the person (newest first)."""
    waiting = Q(state__in=PENDING_ASSISTED) | Q(pk__in=refused_to_the_end().values("pk"))
    sessions = (
        AssistedSession.objects.filter(waiting, case=case, expires_at__gt=now)
        .defer("challenge", "answer", "error")
        .order_by("-created_at")[:5]
    )
    return [
        PendingAssisted(
            session=session,
            state=_(ASSISTED_STATES.get(session.state, EVERY_CODE_REFUSED)),
            last_news=_last_news(session),
            refused=max(session.rounds - 1, 0) if session.state in _RELAYING else 0,
        )
        for session in sessions
    ]


_RELAYING = (AssistedSession.State.CHALLENGE, AssistedSession.State.ANSWERED)


def withdraw_assisted(case: Case, session_id: int, now: datetime | None = None) -> bool:
    """A volunteer withdraws a link still waiting for the person (sent to a wrong number, the
    person gone…): it expires now. The person's page then says the link expired; a browser
    held for it stops at its next look (``assisted._ask``), and no code is taken any more.
    True when a link was withdrawn."""
    now = now or timezone.now()
    mine = AssistedSession.objects.filter(case=case, pk=session_id)
    if not mine.filter(expires_at__gt=now).update(expires_at=now):
        return False
    mine.filter(state__in=PENDING_ASSISTED).update(
        state=AssistedSession.State.EXPIRED, challenge=b"", answer=""
    )
    return True


def _last_news(session: AssistedSession) -> datetime:
    if session.state in _RELAYING and session.challenge_at:
        return session.challenge_at
    if session.state != AssistedSession.State.REMINDED and session.progress_at:
        return session.progress_at
    return session.created_at


def when_text(moment: datetime) -> str:
    """« lundi 9 mars 2026 à 08:00 », local time (the case page's way of saying a moment)."""
    return formats.date_format(timezone.localtime(moment), _("l j F Y à H:i"))


def _refusal(case: Case, found: Status, now: datetime) -> str:
    """Why « tenter maintenant » is refused now (with when it will be possible), or ""."""
    if found.mode not in ("automatic", "assisted"):
        return _("Créneau ne fait pas de tentative pour ce dossier (voir ci-dessus).")
    if found.paused:
        return _("Les tentatives sont en pause : reprenez-les d'abord.")
    if found.running:
        return _("Une tentative est en cours.")
    window = planning.evidence_window()
    here = planning.zone()
    if not window.contains(now, here):
        return _(
            "Hors des heures de tentative (%(window)s) : la prochaine possibilité est le %(when)s."
        ) % {
            "window": found.window,
            "when": when_text(planning.next_window_start(now, window, here)),
        }
    local = timezone.localtime(now)
    if found.schedule and found.schedule.last_hour == local.hour:  # as the scheduler does
        following = local.hour + 1
        return _(
            "La dernière tentative a eu lieu à cette heure de la journée : pour varier les "
            "heures, comme le conseille la pratique, la suivante attend %(hour)s h."
        ) % {"hour": following % 24}
    assert found.budget is not None  # a case with a booking page has its host's budget
    ready = found.budget.next_visit_at  # read with the status, a moment ago
    if ready > now:
        return _(
            "Le site a déjà reçu toutes les visites que Créneau s'autorise pour le moment "
            "(pour ne pas le surcharger) : la prochaine est possible vers %(when)s."
        ) % {"when": when_text(ready)}
    return ""


def try_now(case: Case, now: datetime | None = None) -> EvidenceSchedule:
    """Make the case's next attempt due now, or raise :class:`Refusal` (French, with when).

    The scheduler claims it at its next pass, within the host's budget like any run."""
    now = now or timezone.now()
    schedule = ensure_case_schedule(case, now)
    refusal = _refusal(case, status(case, now), now)
    if refusal:
        raise Refusal(refusal)
    assert schedule is not None
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    EvidenceSchedule.objects.filter(pk=schedule.pk).filter(free).update(next_run_at=now)
    schedule.refresh_from_db()
    return schedule


def pause(case: Case, now: datetime | None = None) -> bool:
    """Stop the case's own attempts until resumed; False when there is nothing to pause."""
    now = now or timezone.now()
    schedule = ensure_case_schedule(case, now)
    if schedule is None:
        return False
    EvidenceSchedule.objects.filter(pk=schedule.pk, paused_at__isnull=True).update(paused_at=now)
    return True


def resume(case: Case, now: datetime | None = None, rng: random.Random | None = None) -> bool:
    """Attempts again, at the next humane time (not all at once after a long pause)."""
    now = now or timezone.now()
    schedule = EvidenceSchedule.objects.filter(case=case, paused_at__isnull=False).first()
    if schedule is None:
        return False
    window = planning.evidence_window()
    per_week = planning.evidence_per_week(settings.EVIDENCE_PER_WEEK, case.procedure_kind, window)
    following = planning.next_evidence_at(
        now, schedule.last_hour, window, per_week, rng or random.SystemRandom(), today_allowed=True
    )
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(
        paused_at=None, next_run_at=max(following, schedule.next_run_at)
    )
    return True
