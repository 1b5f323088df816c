"""Members' pages of the observatory: an organisation's choice to publish, and the availability
record a volunteer files with a case (its figures drawn when the bundle is built)."""

import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creneau.accounts.models import Member, Organisation, organisations_of
from creneau.cases.access import case_or_404
from creneau.cases.models import Case
from creneau.observatory import publication
from creneau.observatory.models import AvailabilityExhibit, CheckHour, ObservedPage, Publication


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@login_required
def publication_page(request: HttpRequest) -> HttpResponse:
    administered = organisations_of(request.user, role=Member.Role.ADMIN)
    if request.method == "POST":
        organisation = get_object_or_404(administered, slug=request.POST.get("organisation", ""))
        public = request.POST.get("public") == "1"
        publication.set_public(organisation, public, _user(request))
        messages.success(
            request,
            _("Choix enregistré : agrégats publics.")
            if public
            else _("Choix enregistré : agrégats privés."),
        )
        return redirect("observatory-publication")
    chosen = dict(
        Publication.objects.filter(organisation__in=administered).values_list(
            "organisation_id", "public"
        )
    )
    total = Organisation.objects.count()
    agreed = Publication.objects.filter(public=True).count()
    context = {
        "organisations": [(o, chosen.get(o.pk, False)) for o in administered],
        "installation_public": publication.installation_public(),
        "agreed": agreed,
        "total": total,
    }
    return render(request, "observatory/publication.html", context)


def observed_for(case: Case) -> ObservedPage | None:
    if case.booking_page_id is None:
        return None
    return ObservedPage.objects.filter(page_id=case.booking_page_id).first()


def observed_days(row: ObservedPage) -> tuple[datetime.date | None, datetime.date | None]:
    found = CheckHour.objects.filter(observed=row).aggregate(first=Min("day"), last=Max("day"))
    return found["first"], found["last"]


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
@require_POST
def availability_exhibit(request: HttpRequest, reference: str) -> HttpResponse:
    """Add (or withdraw) the availability record of the case's booking page."""
    case = case_or_404(request, reference)
    if request.POST.get("action") == "remove":
        AvailabilityExhibit.objects.filter(case=case, pk=request.POST.get("exhibit") or 0).delete()
        messages.success(request, _("Relevé de disponibilité retiré du dossier de dépôt."))
        return redirect("court-page", case.reference)
    row = observed_for(case)
    if row is None:
        messages.error(request, _("La page de rendez-vous de ce dossier n'a encore aucun relevé."))
        return redirect("court-page", case.reference)
    first, last = observed_days(row)
    yesterday = timezone.now().astimezone(ZoneInfo(row.time_zone)).date() - datetime.timedelta(1)
    chosen_first = _day(request.POST.get("first_day", ""))
    chosen_last = _day(request.POST.get("last_day", ""))
    if first is None or last is None or chosen_first is None or chosen_last is None:
        messages.error(request, _("Dates du relevé invalides (jj/mm/aaaa)."))
        return redirect("court-page", case.reference)
    start, end = max(chosen_first, first), min(chosen_last, last, yesterday)
    if start > end:
        messages.error(
            request,
            _("Aucun jour terminé et observé dans cette période : choisissez-en une autre."),
        )
        return redirect("court-page", case.reference)
    AvailabilityExhibit.objects.create(
        case=case, observed=row, first_day=start, last_day=end, added_by=_user(request)
    )
    messages.success(
        request,
        _("Relevé de disponibilité du %(first)s au %(last)s ajouté au dossier de dépôt.")
        % {"first": start.strftime("%d/%m/%Y"), "last": end.strftime("%d/%m/%Y")},
    )
    return redirect("court-page", case.reference)
