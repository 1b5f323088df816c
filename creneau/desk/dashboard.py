"""The volunteer's home page: what needs action across their organisations.

Every section's count comes from one aggregated pass over the open cases (the drafts awaiting
approval from one query on the drafts), and each section's first few cases from one query, so
the page costs the same handful of queries with ten cases or a hundred thousand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creneau.assessment.services import refresh_for_page
from creneau.cases.models import Case, CaseQuerySet
from creneau.correspondence.models import MailDraft
from creneau.desk.views import labelled, listed

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


def sections(cases: CaseQuerySet, now: datetime, pending: int = 0) -> tuple[list[Section], int]:
    """The action lists, most urgent first, and the number of open cases (``pending``: verdicts
    still stale, left out of the lists that depend on the verdict). Every count comes from one
    pass over the open cases; each list's first cases from one query."""
    open_cases = cases.filter(status__in=OPEN)
    since = now - RECENT
    today = timezone.localdate(now)
    judged = Q(assessment__computed_at__gte=F("updated_at")) if pending else Q()
    awaiting = MailDraft.objects.filter(case=OuterRef("pk"), state=MailDraft.State.AWAITING)
    wanted = {
        "slots": Q(last_slots_at__gte=since),
        "mail": Q(Exists(awaiting)),
        "stale": Q(last_attempt_at__lt=since)
        | Q(last_attempt_at__isnull=True, created_at__lt=since),
        "expiring": Q(title_expires_on__gte=today, title_expires_on__lte=today + EXPIRY_SOON),
        "gaps": Q(verdict__in=["insufficient", "weak"]) & judged,
        "ready": Q(verdict__in=["adequate", "strong"]) & judged,
    }
    # Few cases have a draft awaiting approval: counted from the drafts' side, not by a lookup
    # for every open case (half the pass at 100,000 cases on PostgreSQL).
    counted = {key: q for key, q in wanted.items() if key != "mail"}
    counts = open_cases.aggregate(
        total=Count("pk"), **{key: Count("pk", filter=q) for key, q in counted.items()}
    )
    counts["mail"] = (
        MailDraft.objects.filter(state=MailDraft.State.AWAITING, case__in=open_cases)
        .values("case")
        .distinct()
        .count()
    )
    orders = {
        "slots": [F("last_slots_at").desc()],
        "mail": [F("updated_at").asc()],
        "stale": [F("last_attempt_at").asc(nulls_first=True), F("created_at").asc()],
        "expiring": [F("title_expires_on").asc()],
        "gaps": [F("updated_at").asc()],
        "ready": [F("updated_at").desc()],
    }
    listed_sections = [
        Section(
            key,
            title,
            help,
            counts[key],
            _first(open_cases.filter(wanted[key]).order_by(*orders[key])) if counts[key] else [],
        )
        for key, title, help in TEXTS
    ]
    return listed_sections, counts["total"]


def _first(cases: CaseQuerySet) -> list[Case]:
    return labelled(list(listed(cases)[:SHOWN]))


TEXTS = [
    (
        "slots",
        _("Créneaux vus cette semaine"),
        _("Des rendez-vous proposés ces 7 derniers jours : prévenez la personne."),
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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.for_user(request.user)
    pending = refresh_for_page(cases)  # sections read the stored verdicts
    listed_sections, total = sections(cases, timezone.now(), pending)
    context = {"sections": listed_sections, "open_total": total, "pending": pending}
    return render(request, "desk/dashboard.html", context)
