"""An organisation's booking pages, for its admins (``/organisation/<slug>/pages/``).

The list holds the pages its cases follow and those its admins added here. Adding a page checks
its address through the URL safety seam (``lib.urlsafety``: no local or private address unless
the operator allows it) and guesses its system from the address unless the admin chose one.

A page is one row for the whole installation (its URL is unique), followed by every case that
names it, whatever its organisation. Its system and parameters decide how every one of those
cases is tried, so an organisation admin changes them only while the page is hers alone (no
case nor admin of another organisation follows it); a shared page is changed by the operator of
the installation (Django admin), and the page says so. Every change is audited.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent, Member, Organisation, organisations_of
from creneau.cases.models import Case
from creneau.catalog.models import BookingPage, BookingSystem, Prefecture, guess_system
from creneau.catalog.pageurl import clean_page_url
from creneau.watch.drivers import driver_for, parameter_problems
from creneau.watch.models import OrganisationPage

ORGANISATION_WIDE = "*"
MODES = {
    "automatic": gettext_lazy("Créneau tente lui-même, à des heures variées"),
    "assisted": gettext_lazy(
        "tentative assistée : la personne recopie le code (captcha) depuis son téléphone"
    ),
    "alert_only": gettext_lazy("pas de tentative : alertes et tentatives notées à la main"),
}
GUESS = ""  # the system field's « recognise from the address »


def _administered(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(organisations_of(request.user, role=Member.Role.ADMIN), slug=slug)


def pages_of(organisation: Organisation) -> QuerySet[BookingPage]:
    """The pages the organisation's cases follow, and those its admins added."""
    followed = Case.objects.filter(organisation=organisation).values("booking_page_id")
    added = OrganisationPage.objects.filter(organisation=organisation).values("page_id")
    return BookingPage.objects.filter(Q(pk__in=followed) | Q(pk__in=added))


def is_shared(page: BookingPage, organisation: Organisation) -> bool:
    """Whether a case or an admin of another organisation follows the page too."""
    cases = Case.objects.filter(booking_page=page).exclude(organisation=organisation)
    added = OrganisationPage.objects.filter(page=page).exclude(organisation=organisation)
    return cases.exists() or added.exists()


@dataclass(frozen=True)
class Row:
    page: BookingPage
    cases: int  # the organisation's cases following it
    shared: bool
    mode: str


def _rows(organisation: Organisation) -> list[Row]:
    pages = (
        pages_of(organisation)
        .select_related("prefecture__department")
        .annotate(
            own=Count("cases", filter=Q(cases__organisation=organisation), distinct=True),
        )
        .order_by("label", "url")
    )
    return [
        Row(page, page.own, is_shared(page, organisation), str(MODES.get(_mode(page), "")))
        for page in pages
    ]


def _mode(page: BookingPage) -> str:
    return driver_for(page.system).mode if page.system else ""


# --- forms -------------------------------------------------------------------------------------


class PrefectureChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Prefecture) -> str:
        return f"{obj.department_id} — {obj.name}"


def _prefecture_field() -> PrefectureChoice:
    return PrefectureChoice(
        queryset=Prefecture.objects.order_by("department_id", "kind", "name"),
        required=False,
        label=gettext_lazy("Préfecture ou sous-préfecture (département)"),
        empty_label=gettext_lazy("— non précisée —"),
    )


def _system_choices(guess: bool) -> list[tuple[str, str]]:
    choices = [(str(value), str(label)) for value, label in BookingSystem.choices]
    if guess:
        return [(GUESS, _("Reconnaître d'après l'adresse")), *choices]
    return choices


def _system_field(guess: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=gettext_lazy("Système de réservation"),
        choices=_system_choices(guess),
        required=not guess,
        help_text=gettext_lazy(
            "Le site qui affiche les créneaux. « Autre site » : la page se décrit par ses textes, "
            "ce que règle l'opérateur de l'installation."
        ),
    )


class AddPageForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Adresse de la page de rendez-vous"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "La page où l'on choisit un créneau, telle qu'elle s'affiche dans le navigateur "
            "(https://…)."
        ),
    )
    label = forms.CharField(
        label=gettext_lazy("Intitulé (facultatif)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Par exemple : « Titres de séjour — Bobigny »."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prefecture"] = _prefecture_field()
        self.fields["system"] = _system_field(guess=True)
        self.order_fields(["url", "label", "prefecture", "system"])

    def clean_url(self) -> str:
        return clean_page_url(self.cleaned_data["url"])


class PageSettingsForm(forms.Form):
    """The page's system, label, site and its system's parameters (one field each)."""

    label = forms.CharField(label=gettext_lazy("Intitulé"), max_length=200, required=False)

    def __init__(self, *args: Any, page: BookingPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["system"] = _system_field(guess=False)
        self.order_fields(["system", "label", "prefecture"])
        self.fields["prefecture"] = _prefecture_field()
        self.initial.update(system=page.system, label=page.label, prefecture=page.prefecture_id)
        for parameter in driver_for(page.system).parameters:
            if parameter.stored:
                self.fields[f"param_{parameter.name}"] = forms.CharField(
                    label=parameter.label,
                    max_length=40,
                    required=False,
                    help_text=_("Vide : la valeur par défaut du système."),
                )
                self.initial[f"param_{parameter.name}"] = (page.parameters or {}).get(
                    parameter.name, ""
                )

    def parameters(self) -> dict[str, str]:
        """The values given, for the parameters the chosen system knows (empty ones left out)."""
        system = self.cleaned_data.get("system") or self.page.system
        known = {p.name for p in driver_for(system).parameters if p.stored}
        given = {
            name.removeprefix("param_"): str(value).strip()
            for name, value in self.cleaned_data.items()
            if name.startswith("param_") and str(value or "").strip()
        }
        return {name: value for name, value in given.items() if name in known}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        system = cleaned.get("system")
        if system:
            for problem in parameter_problems(system, self.parameters()):
                self.add_error(None, problem)
        return cleaned


# --- views -------------------------------------------------------------------------------------


def _render_list(
    request: HttpRequest, organisation: Organisation, form: AddPageForm, status: int = 200
) -> HttpResponse:
    context = {"organisation": organisation, "rows": _rows(organisation), "form": form}
    return render(request, "watch/organisation_pages.html", context, status=status)


@login_required
def organisation_pages(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    return _render_list(request, organisation, AddPageForm(prefix="new"))


@login_required
@require_POST
def add_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    form = AddPageForm(request.POST, prefix="new")
    if not form.is_valid():
        return _render_list(request, organisation, form, status=400)
    url = form.cleaned_data["url"]
    system = form.cleaned_data["system"] or guess_system(url)
    with transaction.atomic():
        page, created = BookingPage.objects.get_or_create(
            url=url,
            defaults={
                "system": system,
                "label": form.cleaned_data["label"],
                "prefecture": form.cleaned_data["prefecture"],
            },
        )
        OrganisationPage.objects.get_or_create(organisation=organisation, page=page)
        detail = f"page de rendez-vous {'ajoutée' if created else 'suivie'} : {page.system} {url}"
        audit.record(
            request.user, organisation, ORGANISATION_WIDE, AuditEvent.Action.CREATE, detail
        )
    if created:
        messages.success(
            request,
            _("Page ajoutée, avec le système « %(system)s ».")
            % {"system": page.get_system_display()},
        )
    else:
        messages.info(
            request,
            _(
                "Cette page était déjà connue de Créneau, avec le système « %(system)s » : "
                "elle est ajoutée à vos pages sans changer ses réglages."
            )
            % {"system": page.get_system_display()},
        )
    return redirect("organisation-page", slug=organisation.slug, page_id=page.pk)


def _page_context(
    organisation: Organisation, page: BookingPage, form: PageSettingsForm
) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "page": page,
        "form": form,
        "shared": is_shared(page, organisation),
        "mode": MODES.get(_mode(page), ""),
        "cases": Case.objects.filter(organisation=organisation, booking_page=page).count(),
    }


@login_required
def organisation_page(request: HttpRequest, slug: str, page_id: int) -> HttpResponse:
    organisation = _administered(request, slug)
    page = get_object_or_404(pages_of(organisation), pk=page_id)
    if request.method != "POST":
        form = PageSettingsForm(page=page, prefix="page")
        return render(
            request, "watch/organisation_page.html", _page_context(organisation, page, form)
        )
    if is_shared(page, organisation):
        messages.error(request, _(SHARED))
        return redirect("organisation-page", slug=organisation.slug, page_id=page.pk)
    form = PageSettingsForm(request.POST, page=page, prefix="page")
    if not form.is_valid():
        context = _page_context(organisation, page, form)
        return render(request, "watch/organisation_page.html", context, status=400)
    _save(request, organisation, page, form)
    return redirect("organisation-page", slug=organisation.slug, page_id=page.pk)


SHARED = gettext_noop(
    "Cette page est suivie aussi par une autre organisation : seul l'opérateur de "
    "l'installation peut changer son système ou ses paramètres."
)


def _save(
    request: HttpRequest, organisation: Organisation, page: BookingPage, form: PageSettingsForm
) -> None:
    before = (page.system, page.label, page.prefecture_id, page.parameters or {})
    page.system = form.cleaned_data["system"]
    page.label = form.cleaned_data["label"]
    page.prefecture = form.cleaned_data["prefecture"]
    page.parameters = form.parameters()
    after = (page.system, page.label, page.prefecture_id, page.parameters)
    if after == before:
        messages.info(request, _("Rien n'a changé."))
        return
    with transaction.atomic():
        page.save(update_fields=["system", "label", "prefecture", "parameters"])
        changes = [
            f"système {before[0]} → {page.system}" if before[0] != page.system else "",
            "paramètres" if before[3] != page.parameters else "",
            "intitulé" if before[1] != page.label else "",
            "préfecture" if before[2] != page.prefecture_id else "",
        ]
        detail = f"page {page.pk} : {', '.join(c for c in changes if c)} ({page.url})"
        audit.record(
            request.user, organisation, ORGANISATION_WIDE, AuditEvent.Action.CHANGE, detail
        )
    if before[0] != page.system and any(p.stored for p in driver_for(page.system).parameters):
        messages.success(
            request,
            _("Système changé. Réglez maintenant les paramètres de ce système, s'il le faut."),
        )
    else:
        messages.success(request, _("Réglages de la page enregistrés."))
