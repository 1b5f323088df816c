"""The volunteer's home page: what needs action across their organisations.

Each section is one filtered, aggregated query (a count and the first few cases), so the page
costs the same handful of queries with ten cases or ten thousand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creneau.assessment.services import current, refresh_for_page
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


def _section(key: str, title: Promise, help: Promise, cases: CaseQuerySet) -> Section:
    return Section(key, title, help, cases.count(), labelled(list(listed(cases)[:SHOWN])))


def sections(cases: CaseQuerySet, now: datetime, pending: int = 0) -> list[Section]:
    """The action lists, most urgent first (``pending``: verdicts still stale, left out of the
    lists that depend on the verdict)."""
    open_cases = cases.filter(status__in=OPEN)
    judged = current(open_cases) if pending else open_cases
    since = now - RECENT
    today = timezone.localdate(now)
    slots = open_cases.filter(last_slots_at__gte=since)
    stale = open_cases.filter(
        Q(last_attempt_at__lt=since) | Q(last_attempt_at__isnull=True, created_at__lt=since)
    )
    expiring = open_cases.filter(
        title_expires_on__gte=today, title_expires_on__lte=today + EXPIRY_SOON
    )
    drafts = open_cases.filter(mail_drafts__state=MailDraft.State.AWAITING).distinct()
    gaps = judged.filter(verdict__in=["insufficient", "weak"])
    ready = judged.filter(verdict__in=["adequate", "strong"])
    return [
        _section(
            "slots",
            _("Créneaux vus cette semaine"),
            _("Des rendez-vous proposés ces 7 derniers jours : prévenez la personne."),
            slots.order_by("-last_slots_at"),
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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.for_user(request.user)
    pending = refresh_for_page(cases)  # sections read the stored verdicts
    listed = sections(cases, timezone.now(), pending)
    total = Case.objects.for_user(request.user).filter(status__in=OPEN).count()
    context = {"sections": listed, "open_total": total, "pending": pending}
    return render(request, "desk/dashboard.html", context)
