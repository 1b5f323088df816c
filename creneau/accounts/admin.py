from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from creneau.accounts.models import AuditEvent, Member, Organisation, organisations_of


def admin_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    """Organisations the user administers (all of them for a superuser)."""
    if request.user.is_superuser:
        return Organisation.objects.all()
    return organisations_of(request.user, role=Member.Role.ADMIN)


class OrganisationScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin pages an organisation admin may use, limited to their own organisations."""

    organisation_path = "organisation"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.organisation_path}__in": admin_organisations(request)})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or admin_organisations(request).exists()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission
    has_delete_permission = has_view_permission

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = admin_organisations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Member)
class MemberAdmin(OrganisationScopedAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(OrganisationScopedAdmin):
    list_display = ["at", "actor", "action", "case_reference", "detail"]
    list_filter = ["action"]
    search_fields = ["case_reference", "actor"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the access log is read-only

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
