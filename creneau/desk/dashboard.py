"""The volunteer's home page: what needs action across their organisations.

Each section is one filtered, aggregated query (a count and the first few cases), so the page
costs the same handful of queries with ten cases or ten thousand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creneau.accounts.models import Member, organisations_of
from creneau.assessment.services import refresh_stale
from creneau.cases.models import Case, CaseQuerySet
from creneau.correspondence.models import MailDraft
from creneau.notifications.models import SlotEpisode
from creneau.scheduling.control import FAILED_RUNS
from creneau.scheduling.doctor import Check, run_checks

SHOWN = 8
RECENT = timedelta(days=7)
EXPIRY_SOON = timedelta(days=30)
# Cases still gathering evidence or waiting to be filed: the ones a volunteer acts on.
OPEN = (Case.Status.GATHERING, Case.Status.READY)


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    help: Promise
    count: int
    cases: list[Case]


def _section(key: str, title: Promise, help: Promise, cases: CaseQuerySet) -> Section:
    shown = list(cases.select_related("person", "department", "assessment")[:SHOWN])
    return Section(key, title, help, cases.count(), shown)


def sections(cases: CaseQuerySet, now: datetime) -> list[Section]:
    """The action lists, most urgent first."""
    open_cases = cases.filter(status__in=OPEN)
    since = now - RECENT
    today = timezone.localdate(now)
    slots = slots_seen(open_cases, since)
    failing = open_cases.filter(
        evidence_schedule__last_outcome__in=FAILED_RUNS, evidence_schedule__paused_at__isnull=True
    )
    stale = open_cases.filter(
        Q(last_attempt_at__lt=since) | Q(last_attempt_at__isnull=True, created_at__lt=since)
    )
    expiring = open_cases.filter(
        title_expires_on__gte=today, title_expires_on__lte=today + EXPIRY_SOON
    )
    drafts = open_cases.filter(mail_drafts__state=MailDraft.State.AWAITING).distinct()
    gaps = open_cases.filter(assessment__verdict__in=["insufficient", "weak"])
    ready = open_cases.filter(assessment__verdict__in=["adequate", "strong"])
    return [
        _section(
            "slots",
            _("Créneaux vus cette semaine"),
            _("Des rendez-vous proposés ces 7 derniers jours : prévenez la personne."),
            slots.order_by(F("episode_at").desc(nulls_last=True), "-last_slots_at"),
        ),
        _section(
            "failing",
            _("Tentatives en ligne en échec"),
            _(
                "La dernière tentative automatique n'a rien prouvé (site en erreur, page non "
                "reconnue, captcha, page mal réglée) : ouvrez le dossier pour voir pourquoi."
            ),
            failing.order_by("-evidence_schedule__last_run_at"),
        ),
        _section(
            "mail",
            _("Courriels à approuver"),
            _("Des courriels préparés attendent votre relecture : rien ne part sans votre accord."),
            drafts.order_by("updated_at"),
        ),
        _section(
            "stale",
            _("Sans tentative depuis 7 jours"),
            _("Les juges attendent des tentatives régulières : reprenez-les."),
            stale.order_by(F("last_attempt_at").asc(nulls_first=True), "created_at"),
        ),
        _section(
            "expiring",
            _("Titres qui expirent dans les 30 jours"),
            _("L'urgence est la plus forte : voyez si le dossier peut aller au tribunal."),
            expiring.order_by("title_expires_on"),
        ),
        _section(
            "gaps",
            _("Preuves insuffisantes ou fragiles"),
            _("L'évaluation demande encore des tentatives ou des justificatifs."),
            gaps.order_by("updated_at"),
        ),
        _section(
            "ready",
            _("Prêts pour le tribunal"),
            _("L'évaluation juge les preuves correctes ou solides : préparez la requête."),
            ready.order_by("-updated_at"),
        ),
    ]


def slots_seen(cases: CaseQuerySet, since: datetime) -> CaseQuerySet:
    """Cases that saw slots since ``since``: an attempt that found some, or the followed page's
    watcher (whose episodes sent the alerts) while the case followed it."""
    episodes = SlotEpisode.objects.filter(page=OuterRef("booking_page")).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=since),
        Q(closed_at__isnull=True) | Q(closed_at__gte=OuterRef("created_at")),
    )
    latest = Subquery(episodes.order_by("-opened_at").values("opened_at")[:1])
    return cases.annotate(episode_at=latest).filter(Q(last_slots_at__gte=since) | Exists(episodes))


@dataclass(frozen=True)
class Step:
    """One step of the first-run checklist."""

    key: str
    done: bool


def first_steps(request: HttpRequest, problems: list[Check]) -> list[Step]:
    """While the organisations have no case: check the set-up, create a case, invite someone."""
    organisations = list(organisations_of(request.user))
    administered = organisations_of(request.user, role=Member.Role.ADMIN).exists()
    members = Member.objects.filter(organisation__in=organisations).count()
    steps = [Step("configuration", not problems)] if administered else []
    return [*steps, Step("case", False), Step("invite", members > len(organisations))]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.for_user(request.user)
    problems = _problems(request)
    refresh_stale(cases)  # sections read the stored verdicts
    total = Case.objects.for_user(request.user).filter(status__in=OPEN).count()
    if not total and not cases.exists():  # a new organisation: first steps, not empty lists
        context = {"steps": first_steps(request, problems), "sections": [], "open_total": 0}
        return render(request, "desk/dashboard.html", context | {"problems": problems})
    listed = sections(cases, timezone.now())
    context = {"sections": listed, "open_total": total, "problems": problems}
    return render(request, "desk/dashboard.html", context)


def _problems(request: HttpRequest) -> list[Check]:
    """For an organisation's admins: what this installation cannot prove or send as it is set
    up (``creneau doctor`` without its network probes: nothing slow on a page load)."""
    administered = list(organisations_of(request.user, role=Member.Role.ADMIN))
    if not administered:
        return []
    return [c for c in run_checks(probe=False, organisations=administered) if not c.ok]
