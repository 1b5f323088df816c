from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent, Organisation, organisations_of
from creneau.assessment.context import assessment_context
from creneau.assessment.models import CaseAssessment, VerdictChoices, with_verdict
from creneau.assessment.services import (
    current,
    journal_of,
    refresh_assessment,
    refresh_for_page,
)
from creneau.cases import names
from creneau.cases.access import case_or_404
from creneau.cases.filing import filing_route
from creneau.cases.forms import (
    AttemptForm,
    CaseForm,
    OrganisationChoiceForm,
    PersonForm,
    residence_agrees,
)
from creneau.cases.models import Attempt, Case, CaseQuerySet, Channel, Person
from creneau.cases.spreadsheet import cases_csv
from creneau.catalog.models import Procedure
from creneau.desk import timeline
from creneau.evidence.attempts import Incoming, record_attempt, seal_file
from creneau.evidence.uploads import UploadError, read_limited
from creneau.scheduling import control
from creneau.scheduling.scheduler import ensure_case_schedule
from creneau.screenshots.forms import ImportForm
from creneau.screenshots.offered import keep_offered, read_offered
from creneau.screenshots.telling import tell_volunteer

PER_PAGE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.for_user(request.user)
    pending = refresh_for_page(cases)  # the list shows and filters by the stored verdicts
    status = request.GET.get("status", "")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    verdict = request.GET.get("verdict", "")
    if verdict in VerdictChoices.values:
        cases = with_verdict(current(cases) if pending else cases, verdict)
    query = request.GET.get("q", "").strip()
    if query:
        cases = cases.filter(_matching(query))
    page = _page_of(cases, request.GET.get("page"))
    return render(
        request,
        "desk/case_list.html",
        {
            "page": page,
            "pending": pending,
            "status": status,
            "verdict": verdict,
            "q": query,
            "statuses": Case.Status.choices,
            "verdicts": VerdictChoices.choices,
            "filtered": bool(query or status or verdict),
        },
    )


def _matching(query: str) -> Q:
    """A reference, or a name: every word of the query starts a word of the person's names
    (names are encrypted: matched through their keyed blind index, creneau.cases.names).

    Two lookups joined by a UNION rather than one OR across the case and its person: each side
    can then use its own index (on PostgreSQL, the trigram indexes of migration cases 0011), and
    only the few cases found are read, not every case of the organisation."""
    by_reference = Case.objects.filter(reference__contains=query.upper()).order_by().values("pk")
    tokens = names.query_tokens(query)
    if not tokens:
        return Q(pk__in=by_reference)
    people = Person.objects.filter(*(Q(name_index__contains=f" {token} ") for token in tokens))
    by_name = Case.objects.filter(person__in=people.order_by().values("pk")).order_by()
    return Q(pk__in=by_reference.union(by_name.values("pk")))


def _page_of(cases: CaseQuerySet, number: str | None) -> "Page[Case]":
    """One page of cases, newest change first.

    Pages over bare ids, then loads the page's 50 rows with their person and assessment: sorting
    10,000 ids is cheap, sorting 10,000 joined rows with encrypted names is not (10× slower).
    """
    newest_first = cases.order_by("-updated_at", "-pk").values_list("pk")
    ids: Paginator[Any] = Paginator(newest_first, PER_PAGE)
    page = ids.get_page(number)
    rows = listed(cases).in_bulk([pk for (pk,) in page.object_list])
    return Page(labelled([rows[pk] for (pk,) in page.object_list]), page.number, ids)


# What a list row shows: nothing else is read (or decrypted) for the rows of a page.
ROW_FIELDS = (
    *("reference", "procedure_kind", "title", "status", "updated_at", "verdict"),
    *("person__family_name", "person__given_names", "department__code", "department__name"),
    *("assessment__verdict", "assessment__computed_at"),
)


def listed(cases: CaseQuerySet) -> CaseQuerySet:
    """The cases with what a list row shows, and only that."""
    return cases.select_related("person", "department", "assessment").only(*ROW_FIELDS)


def labelled(cases: list[Case]) -> list[Case]:
    """The cases, each with what its row shows worked out once per page: its choices' labels
    (``kind_label``, ``status_label``, ``verdict_label``: ``get_FOO_display`` rebuilds its table
    on every call, which costs more than the rest of a row), its page's address (``url``) and
    its verdict badge (``verdict_badge``)."""
    kinds = {value: str(label) for value, label in Procedure.Kind.choices}
    statuses = {value: str(label) for value, label in Case.Status.choices}
    verdicts = {value: str(label) for value, label in VerdictChoices.choices}
    updating = _("évaluation en cours de mise à jour")
    url_of = case_urls()
    for case in cases:
        stored = case.assessment if hasattr(case, "assessment") else None
        label = verdicts.get(stored.verdict, stored.verdict) if stored else ""
        case.__dict__.update(
            kind_label=kinds.get(case.procedure_kind, case.procedure_kind),
            status_label=statuses.get(case.status, case.status),
            verdict_label=label,
            url=url_of(case.reference),
            verdict_badge=_badge(case, stored, label, updating),
        )
    return cases


def _badge(case: Case, stored: CaseAssessment | None, label: str, updating: str) -> str:
    """The stored verdict, only while it is current (computed after the case's last change)."""
    if stored is None:
        return ""
    if stored.computed_at >= case.updated_at:
        return format_html('<span class="badge verdict-{}">{}</span>', stored.verdict, label)
    return format_html('<span class="badge">{}</span>', updating)


def case_urls() -> Callable[[str], str]:
    """reference → the case page's address, as ``reverse("case-detail", …)`` writes it (its
    reference quoted the same way), without resolving the pattern again for every row."""
    marker = "REFERENCE"
    before, after = reverse("case-detail", args=[marker]).rsplit(marker, 1)
    return lambda reference: before + quote(reference, safe=RFC3986_SUBDELIMS + "/~:@") + after


CSV_FIELDS = [
    "reference",
    "procedure_kind",
    "department_id",
    "status",
    "person__family_name",
    "person__given_names",
]
_attempt_count = Coalesce(
    Subquery(
        Attempt.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    ),
    0,
)


@login_required
def case_list_csv(request: HttpRequest) -> HttpResponse:
    cases = (
        Case.objects.for_user(request.user)
        .select_related("person")
        # Only the columns of the sheet: every other identity field would be decrypted for nothing.
        .only(*CSV_FIELDS)
        # Read by cases_csv: one query for every case, and a subquery rather than a GROUP BY.
        .annotate(attempt_count=_attempt_count)
        .order_by("reference")
    )
    for organisation in organisations_of(request.user):
        audit.record(request.user, organisation, "*", AuditEvent.Action.EXPORT, "liste CSV")
    response = HttpResponse(cases_csv(cases), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dossiers.csv"'
    return response


# The case's one-to-one rows the case page's cards read, loaded with the case (one query).
CASE_PAGE_ROWS = ("evidence_schedule", "mail_schedule", "booking_page__observed")


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference, journey=True, related=CASE_PAGE_ROWS)
    audit.record(request.user, case.organisation, case.reference, AuditEvent.Action.VIEW)
    return _render_case(request, case, AttemptForm())


def _render_case(
    request: HttpRequest, case: Case, attempt_form: AttemptForm, status: int = 200
) -> HttpResponse:
    # The attempts and what is read about them, loaded once for the timeline and the assessment.
    journal = journal_of(case, files=True)
    filing = filing_route(case)
    context = {
        "case": case,
        "entries": timeline.entries(case, journal),
        "online": control.status(case),
        # What Créneau read on each attempt's screenshots (templatetags ``screenshots``).
        "screenshot_readings": journal.screenshots,
        "screenshot_import_form": ImportForm(anef=filing.is_anef),
        "attempt_form": attempt_form,
        "filing": filing,
        "anef_journey": journal.journey,
    }
    return render(
        request,
        "desk/case_detail.html",
        context | assessment_context(case, journal=journal),
        status=status,
    )


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    organisations = organisations_of(request.user)
    if not organisations.exists():
        messages.error(request, _("Vous n'êtes membre d'aucune organisation."))
        return redirect("case-list")
    data = request.POST if request.method == "POST" else None
    person_form = PersonForm(data, prefix="person")
    case_form = CaseForm(data, prefix="case")
    # Only a member of several organisations is asked which one the case belongs to.
    org_form = None
    if organisations.count() > 1:
        org_form = OrganisationChoiceForm(data, organisations=organisations)
    forms = [f for f in (person_form, case_form, org_form) if f is not None]
    valid = data is not None and all(f.is_valid() for f in forms)
    if valid and residence_agrees(person_form, case_form):
        organisation = org_form.cleaned_data["organisation"] if org_form else organisations.get()
        case = _create_case(request, organisation, person_form, case_form)
        audit.record(request.user, organisation, case.reference, AuditEvent.Action.CREATE)
        messages.success(request, _("Dossier %(ref)s créé.") % {"ref": case.reference})
        _say_when_attempts_run(request, case)
        return redirect("case-detail", reference=case.reference)
    context = {"person_form": person_form, "case_form": case_form, "org_form": org_form}
    return render(request, "desk/case_form.html", context)


@transaction.atomic
def _create_case(
    request: HttpRequest, organisation: Organisation, person_form: PersonForm, case_form: CaseForm
) -> Case:
    person = person_form.save(commit=False)
    person.organisation = organisation
    person.save()
    case = case_form.save(commit=False)
    case.organisation, case.person = organisation, person
    case.created_by = request.user if isinstance(request.user, User) else None
    case.save()
    return case


@login_required
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    data = request.POST if request.method == "POST" else None
    person_form = PersonForm(data, instance=case.person, prefix="person")
    case_form = CaseForm(data, instance=case, prefix="case")
    valid = data is not None and person_form.is_valid() and case_form.is_valid()
    if valid and residence_agrees(person_form, case_form):
        with transaction.atomic():
            person_form.save()
            case_form.save()
            changed = ", ".join(person_form.changed_data + case_form.changed_data)
            audit.record(
                request.user, case.organisation, case.reference, AuditEvent.Action.CHANGE, changed
            )
        messages.success(request, _("Dossier enregistré."))
        if "booking_url" in case_form.changed_data:
            _say_when_attempts_run(request, case)
        return redirect("case-detail", reference=case.reference)
    return render(
        request,
        "desk/case_form.html",
        {"person_form": person_form, "case_form": case_form, "case": case},
    )


@login_required
@require_POST
def attempt_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = AttemptForm(request.POST, request.FILES, anef=filing_route(case).is_anef)
    if not form.is_valid():
        return _render_case(request, case, form, status=400)
    data = form.cleaned_data
    try:
        files = _screenshot(data)
        filed = [seal_file(case, item) for item in files]  # sealed first, outside the transaction
    except UploadError as error:
        form.add_error("screenshot", str(error))
        return _render_case(request, case, form, status=400)
    # Only a page of the booking site is read: a scan of a letter or an attestation is not one.
    online = data["channel"] == Channel.ONLINE
    offered = read_offered(
        case, files if online else [], declared_at=data["at"], declared_outcome=data["outcome"]
    )
    with transaction.atomic():
        attempt = record_attempt(
            case,
            channel=data["channel"],
            outcome=data["outcome"],
            at=data["at"],
            note=data["note"],
            by=request.user,
            files=filed,
        )
        keep_offered(offered, attempt)
        audit.record(
            request.user, case.organisation, case.reference, AuditEvent.Action.CHANGE, "tentative"
        )
    refresh_assessment(case)  # the lists find the verdict current
    messages.success(request, _("Tentative enregistrée."))
    tell_volunteer(request, offered)
    return redirect("case-detail", reference=case.reference)


def _say_when_attempts_run(request: HttpRequest, case: Case) -> None:
    """Right after a booking page is attached: whether and when Créneau tries it."""
    if case.booking_page is None:
        return
    schedule = ensure_case_schedule(case, timezone.now())
    if schedule is None:
        messages.info(
            request,
            _(
                "Créneau ne peut pas visiter cette page lui-même : notez les tentatives faites "
                "à la main, avec leur capture (voir « Tentatives en ligne » ci-dessous)."
            ),
        )
        return
    when = control.when_text(schedule.next_run_at)
    messages.info(
        request,
        _(
            "Première tentative en ligne prévue le %(when)s ; « Tenter maintenant » la fait "
            "plus tôt si le site le permet."
        )
        % {"when": when},
    )


@login_required
@require_POST
def online_attempts(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """« Tenter maintenant », « Mettre en pause », « Reprendre » (the case page's card)."""
    case = case_or_404(request, reference)
    if action == "maintenant":
        try:
            control.try_now(case)
        except control.Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _(
                    "Tentative demandée : Créneau la fait dans les prochaines minutes ; "
                    "rechargez la page pour voir son résultat."
                ),
            )
    elif action == "pause":
        if control.pause(case):
            messages.success(request, _("Tentatives en ligne mises en pause."))
    elif action == "reprise":
        if control.resume(case):
            messages.success(request, _("Tentatives en ligne reprises."))
    else:
        raise Http404
    audit.record(request.user, case.organisation, case.reference, AuditEvent.Action.CHANGE, action)
    return redirect(reverse("case-detail", args=[case.reference]) + "#online-attempts")


@login_required
@require_POST
def withdraw_assisted(request: HttpRequest, reference: str, session_id: int) -> HttpResponse:
    """Withdraw an assisted attempt's link still waiting for the person."""
    case = case_or_404(request, reference)
    if control.withdraw_assisted(case, session_id):
        audit.record(
            request.user,
            case.organisation,
            case.reference,
            AuditEvent.Action.CHANGE,
            "lien de tentative assistée retiré",
        )
        messages.success(request, _("Lien retiré : la personne ne peut plus s'en servir."))
    return redirect(reverse("case-detail", args=[case.reference]) + "#online-attempts")


def _screenshot(data: dict[str, Any]) -> list[Incoming]:
    upload = data.get("screenshot")
    return [Incoming(read_limited(upload), upload.name or "capture")] if upload else []
