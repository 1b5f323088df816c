"""Admin pages of the observatory: which pages are published and for which démarche, and the
imported sources. Installation-wide, not per organisation: superusers only. Counts are never
edited by hand (they are the watcher's); an organisation's choice to publish is made by its
admins on « Compte › Observatoire »."""

from django.contrib import admin
from django.http import HttpRequest

from creneau.observatory.models import ObservedPage, Source


class SuperuserOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ObservedPage)
class ObservedPageAdmin(SuperuserOnly, admin.ModelAdmin[ObservedPage]):
    list_display = ("url", "source", "department", "prefecture_name", "procedure", "published")
    list_filter = ("published", "source")
    list_editable = ("published",)
    fields = (
        "url",
        "source",
        "system",
        "department",
        "prefecture_name",
        "procedure",
        "published",
        "time_zone",
        "advice",
    )
    # The attribution follows the booking page's prefecture (its own admin page), else its cases.
    readonly_fields = (
        "url",
        "source",
        "system",
        "department",
        "prefecture_name",
        "time_zone",
        "advice",
    )

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(SuperuserOnly, admin.ModelAdmin[Source]):
    list_display = ("name", "key", "local", "generated_at", "imported_at")
    readonly_fields = ("key", "local", "public_key", "generated_at", "imported_at", "file")
    fields = ("name", "url", *readonly_fields)
