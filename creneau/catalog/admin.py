from django.contrib import admin

from creneau.catalog.models import Department, Prefecture, Procedure, ProcedureChannel, Tribunal


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


@admin.register(ProcedureChannel)
class ProcedureChannelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["procedure", "department", "channel", "since", "status", "verified_on"]
    list_filter = ["channel", "status"]
    search_fields = ["procedure__label", "department__code"]
