"""Admin for generic sites: describe a page by its texts, then test it on the real page.

The « Tester la page » button (and the list action of the same name) runs one real attempt with
the generic driver and shows the outcome and the text that decided it.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from creneau.cases.models import Outcome
from creneau.catalog.models import BookingPage, BookingSystem
from creneau.catalog.pageurl import clean_page_url
from creneau.watch.models import GenericSiteConfig

OUTCOME_LABELS = {
    "no_slot": _("aucun créneau"),
    "slots_available": _("créneaux disponibles"),
    "closed": _("réservation fermée"),
    "error": _("erreur"),
    "captcha": _("captcha"),
    "queue": _("file d'attente"),
    "unknown": _("page non reconnue"),
}


class GenericSiteForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("adresse de la page"), max_length=500, assume_scheme="https")
    label = forms.CharField(label=_("intitulé"), max_length=200, required=False)

    class Meta:
        model = GenericSiteConfig
        fields = ["no_slot_texts", "slot_texts", "slot_selectors", "steps", "timeout_s"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["url"].initial = self.instance.page.url
            self.fields["label"].initial = self.instance.page.label

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        clean_page_url(url)
        other = BookingPage.objects.filter(url=url).exclude(system=BookingSystem.GENERIC).first()
        if other is not None:
            raise ValidationError(
                _("Cette page est déjà suivie avec le système « %(system)s »."),
                params={"system": other.get_system_display()},
            )
        taken = GenericSiteConfig.objects.filter(page__url=url).exclude(pk=self.instance.pk)
        moved = self.instance.pk and BookingPage.objects.filter(url=url).exclude(
            pk=self.instance.page_id
        )
        if taken.exists() or (moved and moved.exists()):
            raise ValidationError(_("Cette page a déjà une configuration."))
        return url

    def save(self, commit: bool = True) -> GenericSiteConfig:
        config: GenericSiteConfig = super().save(commit=False)
        url, label = self.cleaned_data["url"], self.cleaned_data["label"]
        if config.pk:
            page = config.page
            page.url, page.label = url, label
            page.save(update_fields=["url", "label"])
        else:
            page, _created = BookingPage.objects.get_or_create(
                url=url, defaults={"system": BookingSystem.GENERIC, "label": label}
            )
        config.page = page
        if commit:
            config.save()
        return config


@admin.register(GenericSiteConfig)
class GenericSiteConfigAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = GenericSiteForm
    change_form_template = "admin/watch/genericsiteconfig/change_form.html"
    list_display = ["__str__", "page_link", "last_test_outcome", "last_test_at"]
    actions = ["test_pages"]
    readonly_fields = [
        "page_link",
        "last_test_at",
        "last_test_outcome",
        "last_test_matched",
        "last_test_final_url",
        "last_test_error",
    ]
    fieldsets = [
        (None, {"fields": ["url", "label", "page_link"]}),
        (
            _("Ce que la page affiche"),
            {"fields": ["no_slot_texts", "slot_texts", "slot_selectors", "steps", "timeout_s"]},
        ),
        (
            _("Dernier test"),
            {
                "fields": [
                    "last_test_at",
                    "last_test_outcome",
                    "last_test_matched",
                    "last_test_final_url",
                    "last_test_error",
                ]
            },
        ),
    ]

    @admin.display(description=_("page de prise de rendez-vous"))
    def page_link(self, config: GenericSiteConfig) -> SafeString | str:
        if not config.pk:
            return "—"
        link = reverse("admin:catalog_bookingpage_change", args=[config.page.pk])
        return format_html('<a href="{}">{}</a>', link, config.page.url)

    def get_urls(self) -> list[URLPattern]:
        test = self.admin_site.admin_view(require_POST(self.test_view))
        mine = [path("<path:object_id>/test/", test, name="watch_genericsiteconfig_test")]
        return mine + super().get_urls()

    def test_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        config = get_object_or_404(GenericSiteConfig, pk=object_id)
        if not self.has_change_permission(request, config):
            raise PermissionDenied
        self._test(request, config)
        return HttpResponseRedirect(
            reverse("admin:watch_genericsiteconfig_change", args=[config.pk])
        )

    @admin.action(description=_("Tester la page"))
    def test_pages(self, request: HttpRequest, queryset: QuerySet[GenericSiteConfig]) -> None:
        for config in queryset.select_related("page"):
            self._test(request, config)

    def _test(self, request: HttpRequest, config: GenericSiteConfig) -> None:
        try:
            clean_page_url(config.page.url)
        except ValidationError as exc:
            self.message_user(request, f"{config.page.url} : {exc.messages[0]}", messages.ERROR)
            return
        from creneau.watch.drivers import attempt  # the browser seam, loaded only when testing

        snapshot, result = attempt(
            config.page.url, "generic", config.page_config(), timeout_s=config.timeout_s
        )
        config.last_test_at = timezone.now()
        config.last_test_outcome = result.outcome
        config.last_test_matched = result.matched
        config.last_test_final_url = snapshot.final_url[:500]
        config.last_test_error = snapshot.error
        config.save(update_fields=list(_LAST_TEST_FIELDS))
        label = OUTCOME_LABELS.get(result.outcome, result.outcome)
        level = (
            messages.SUCCESS
            if result.outcome in {Outcome.NO_SLOT, Outcome.SLOTS_AVAILABLE}
            else messages.WARNING
        )
        text = _("Test de %(url)s : %(outcome)s (%(code)s). Texte reconnu : « %(matched)s ».")
        self.message_user(
            request,
            text
            % {
                "url": config.page.url,
                "outcome": label,
                "code": result.outcome,
                "matched": result.matched or "—",
            },
            level,
        )


_LAST_TEST_FIELDS = (
    "last_test_at",
    "last_test_outcome",
    "last_test_matched",
    "last_test_final_url",
    "last_test_error",
)


# --- Booking pages: a URL, its system, and the parameters its driver declares ---


class BookingPageForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("adresse de la page"), max_length=500, assume_scheme="https")

    class Meta:
        model = BookingPage
        fields = ["url", "system", "label", "prefecture", "parameters"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from creneau.watch.drivers import DRIVERS, driver_for

        lines = [
            f"{system} : "
            + ", ".join(f"{p.name} ({p.label})" for p in driver_for(system).parameters if p.stored)
            for system in DRIVERS
            if any(p.stored for p in driver_for(system).parameters)
        ]
        field = self.fields["parameters"]
        field.help_text = f"{field.help_text} " + " ; ".join(lines)

    def clean(self) -> dict[str, Any]:
        from creneau.watch.drivers import parameter_problems

        cleaned = super().clean() or {}
        system, parameters = cleaned.get("system"), cleaned.get("parameters")
        if system and parameters is not None:
            for problem in parameter_problems(system, parameters):
                self.add_error("parameters", problem)
        return cleaned


@admin.register(BookingPage)
class BookingPageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = BookingPageForm
    list_display = ["url", "system", "label", "prefecture"]
    list_filter = ["system"]
    search_fields = ["url", "label"]
