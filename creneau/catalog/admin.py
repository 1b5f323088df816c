from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from creneau.catalog.models import BookingPage, Department, Prefecture, Procedure, Tribunal


@admin.register(Tribunal)
class TribunalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "seat", "address", "address_verified_on", "verified_on"]
    search_fields = ["name", "seat"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "chef_lieu", "tribunal", "verified_on"]
    search_fields = ["code", "name"]
    list_select_related = ["tribunal"]


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "city", "department", "foreigners_email", "verified_on"]
    list_filter = ["kind"]
    search_fields = ["name", "city", "department__code"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["label", "kind"]


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
