"""The volunteer's home page: what needs action across their organisations.

Every section's count is exact and comes from a query that reads only the cases that can match
(an index each: see ``_counts``), and each section's first few cases from one query, so the page
costs the same handful of queries with ten cases or a hundred thousand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creneau.accounts.models import Member, Organisation, organisations_of
from creneau.assessment.services import refresh_for_page
from creneau.cases.models import Case, CaseQuerySet
from creneau.correspondence.models import MailDraft
from creneau.desk.views import labelled, listed
from creneau.notifications.models import SlotEpisode
from creneau.scheduling.control import FAILED_RUNS
from creneau.scheduling.doctor import Check, run_checks
from creneau.scheduling.models import EvidenceSchedule

SHOWN = 8
RECENT = timedelta(days=7)
EXPIRY_SOON = timedelta(days=30)
# Cases still gathering evidence or waiting to be filed: the ones a volunteer acts on.
OPEN = (Case.Status.GATHERING, Case.Status.READY)
GAPS = ("insufficient", "weak")
READY = ("adequate", "strong")


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    help: Promise
    count: int
    cases: list[Case]


def sections(cases: CaseQuerySet, now: datetime, pending: int = 0) -> tuple[list[Section], int]:
    """The action lists, most urgent first, and the number of open cases (``pending``: verdicts
    still stale, left out of the lists that depend on the verdict). Each count is exact and comes
    from queries that read only what can match (``_counts``); each list's first cases from one
    query, or two."""
    open_cases = cases.filter(status__in=OPEN)
    since = now - RECENT
    today = timezone.localdate(now)
    judged = Q(assessment__computed_at__gte=F("updated_at")) if pending else Q()
    awaiting = MailDraft.objects.filter(case=OuterRef("pk"), state=MailDraft.State.AWAITING)
    seen = _slots_seen_ids(open_cases, since)
    wanted = {
        "slots": Q(pk__in=seen),
        "stale": Q(last_attempt_at__lt=since)
        | Q(last_attempt_at__isnull=True, created_at__lt=since),
        "expiring": Q(title_expires_on__gte=today, title_expires_on__lte=today + EXPIRY_SOON),
        "gaps": Q(verdict__in=GAPS) & judged,
        "ready": Q(verdict__in=READY) & judged,
        "mail": Q(Exists(awaiting)),
    }
    counts = _counts(open_cases, wanted, seen, since, pending)

    def first(key: str) -> list[Case]:
        """The section's first cases; no query, nor any built, for an empty section."""
        if not counts[key]:
            return []
        if key == "failing":
            return _first_failing(open_cases)
        if key == "stale":
            return _first_stale(open_cases, since)
        shown = open_cases.filter(wanted[key])
        if key == "slots":  # the latest episode first
            shown = shown.annotate(episode_at=_latest_episode(since))
        return _first(shown.order_by(*ORDERS[key]))

    listed_sections = [
        Section(key, title, help, counts[key], first(key)) for key, title, help in TEXTS
    ]
    return listed_sections, counts["total"]


def _counts(
    open_cases: CaseQuerySet,
    wanted: dict[str, Q],
    seen: QuerySet[Case, Any],
    since: datetime,
    pending: int,
) -> dict[str, int]:
    """Each section's exact count from queries an index serves, each reading only the cases that
    can match (not one pass over every open case that evaluates every section's filter).

    The open cases by verdict: the (organisation, status, verdict) index alone (PostgreSQL: an
    index-only scan). Stale: the (organisation, status, last_attempt_at) index, cases never
    tried from their own partial index (the two sets are disjoint). Titles expiring: their
    partial index (migration cases 0012). Failing: from the failing schedules' side (scheduling
    0004). Awaiting e-mails: from the awaiting drafts' side. Slots seen: ``_slots_seen_ids``.
    All but the verdicts' in one query (``count_each``)."""
    by_verdict = dict(open_cases.order_by().values_list("verdict").annotate(n=Count("*")))
    counts = {"total": sum(by_verdict.values())}
    for key, verdicts in (("gaps", GAPS), ("ready", READY)):
        if pending:  # some stored verdicts are older than their case: only the current ones
            counts[key] = open_cases.filter(wanted[key]).count()
        else:
            counts[key] = sum(by_verdict.get(verdict, 0) for verdict in verdicts)
    # Each awaiting draft looks up its own case (``case__in`` would list every open case first).
    mine = Exists(open_cases.filter(pk=OuterRef("case_id")))
    awaiting = MailDraft.objects.filter(state=MailDraft.State.AWAITING).filter(mine)
    each = {
        "tried": open_cases.filter(last_attempt_at__lt=since),
        "untried": open_cases.filter(last_attempt_at__isnull=True, created_at__lt=since),
        "slots": seen,
        "expiring": open_cases.filter(wanted["expiring"]),
        "failing": _failing(open_cases),
        "mail": awaiting.values("case").distinct(),
    }
    counted = count_each(each)
    counts |= {key: counted[key] for key in ("slots", "expiring", "failing", "mail")}
    counts["stale"] = counted["tried"] + counted["untried"]
    return counts


def count_each(querysets: dict[str, QuerySet[Any, Any]]) -> dict[str, int]:
    """Each queryset's number of rows, in one round trip (``SELECT (SELECT COUNT(*) FROM (…)),
    …``): each count keeps its own plan (PostgreSQL and SQLite flatten such subqueries), and
    the page pays for one query instead of one for each."""
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        sql, values = queryset.order_by().query.sql_with_params()
        # The ORM's own SQL for each queryset, its values passed apart as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def _failing(open_cases: CaseQuerySet) -> QuerySet[EvidenceSchedule]:
    """The failing, unpaused schedules of the open cases. Each looks up its own case (a scalar
    subquery, by primary key): as a join, PostgreSQL hashes every open case to keep the few
    failing ones."""
    case = Subquery(open_cases.filter(pk=OuterRef("case_id")).values("pk"))
    failing = EvidenceSchedule.objects.filter(last_outcome__in=FAILED_RUNS, paused_at__isnull=True)
    return failing.annotate(open_case=case).filter(open_case__isnull=False)


def _first_failing(open_cases: CaseQuerySet) -> list[Case]:
    """The failing section's first cases, the latest run first."""
    latest = _failing(open_cases).order_by("-last_run_at").values_list("case_id", flat=True)
    ids = list(latest[:SHOWN])
    rows = listed(open_cases).in_bulk(ids)
    return labelled([rows[pk] for pk in ids if pk in rows])


def _first_stale(open_cases: CaseQuerySet, since: datetime) -> list[Case]:
    """The stale section's first cases: those never tried, the oldest first, then the others,
    the longest untried first (each part from its own index; an ``OR`` sorted as one reads
    every stale case)."""
    untried = open_cases.filter(last_attempt_at__isnull=True, created_at__lt=since)
    shown = _first(untried.order_by("created_at"))
    if len(shown) < SHOWN:
        tried = open_cases.filter(last_attempt_at__lt=since).order_by(
            "last_attempt_at", "created_at"
        )
        shown += labelled(list(listed(tried)[: SHOWN - len(shown)]))
    return shown


def _first(cases: CaseQuerySet) -> list[Case]:
    return labelled(list(listed(cases)[:SHOWN]))


def _episodes(since: datetime) -> QuerySet[SlotEpisode]:
    """The followed page's slot episodes open since ``since`` and while the case followed it."""
    return SlotEpisode.objects.filter(page=OuterRef("booking_page")).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=since),
        Q(closed_at__isnull=True) | Q(closed_at__gte=OuterRef("created_at")),
    )


def _slots_seen_ids(open_cases: CaseQuerySet, since: datetime) -> QuerySet[Case, Any]:
    """The ids of the cases that saw slots since ``since``: an attempt that found some (the
    partial index on ``last_slots_at``), or a slot episode of the followed page while the case
    followed it, looked for only among the cases of the pages that had an episode since then
    (read first: usually none, or a few pages). A ``UNION`` rather than one ``OR``: each side
    keeps its own index."""
    found = open_cases.filter(last_slots_at__gte=since).order_by().values("pk")
    recent = SlotEpisode.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=since))
    pages = list(recent.order_by().values_list("page_id", flat=True).distinct())
    if not pages:
        return found
    followed = open_cases.filter(booking_page_id__in=pages)
    by_episode = followed.filter(Exists(_episodes(since))).order_by().values("pk")
    return found.union(by_episode)


def _latest_episode(since: datetime) -> Subquery:
    """When the followed page's latest slot episode (while the case followed it) opened."""
    return Subquery(_episodes(since).order_by("-opened_at").values("opened_at")[:1])


ORDERS = {
    "slots": [F("episode_at").desc(nulls_last=True), F("last_slots_at").desc()],
    "mail": [F("updated_at").asc()],
    "expiring": [F("title_expires_on").asc()],
    "gaps": [F("updated_at").asc()],
    "ready": [F("updated_at").desc()],
}

TEXTS = [
    (
        "slots",
        _("Créneaux vus cette semaine"),
        _("Des rendez-vous proposés ces 7 derniers jours : prévenez la personne."),
    ),
    (
        "failing",
        _("Tentatives en ligne en échec"),
        _(
            "La dernière tentative automatique n'a rien prouvé (site en erreur, page non "
            "reconnue, captcha, page mal réglée) : ouvrez le dossier pour voir pourquoi."
        ),
    ),
    (
        "mail",
        _("Courriels à approuver"),
        _("Des courriels préparés attendent votre relecture : rien ne part sans votre accord."),
    ),
    (
        "stale",
        _("Sans tentative depuis 7 jours"),
        _("Les juges attendent des tentatives régulières : reprenez-les."),
    ),
    (
        "expiring",
        _("Titres qui expirent dans les 30 jours"),
        _("L'urgence est la plus forte : voyez si le dossier peut aller au tribunal."),
    ),
    (
        "gaps",
        _("Preuves insuffisantes ou fragiles"),
        _("L'évaluation demande encore des tentatives ou des justificatifs."),
    ),
    (
        "ready",
        _("Prêts pour le tribunal"),
        _("L'évaluation juge les preuves correctes ou solides : préparez la requête."),
    ),
]


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
    administered = list(organisations_of(request.user, role=Member.Role.ADMIN))
    problems = _problems(administered)
    pending = refresh_for_page(cases)  # sections read the stored verdicts
    listed_sections, total = sections(cases, timezone.now(), pending)
    if not total and not cases.exists():  # a new organisation: first steps, not empty lists
        context = {"steps": first_steps(request, problems), "sections": [], "open_total": 0}
        return render(request, "desk/dashboard.html", context | {"problems": problems})
    context = {
        "sections": listed_sections,
        "open_total": total,
        "pending": pending,
        "problems": problems,
        # Already known: the navigation does not ask again (context_processors.organisation_admin).
        "administers": bool(administered),
    }
    return render(request, "desk/dashboard.html", context)


def _problems(administered: list[Organisation]) -> list[Check]:
    """For an organisation's admins: what this installation cannot prove or send as it is set
    up (``creneau doctor`` without its network probes: nothing slow on a page load)."""
    if not administered:
        return []
    return [c for c in run_checks(probe=False, organisations=administered) if not c.ok]
