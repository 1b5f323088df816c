from django.contrib import admin

from creneau.accounts.admin import OrganisationScopedAdmin, admin_organisations
from creneau.cases.models import Attempt, Case
from creneau.catalog.models import BookingPage


class AttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Attempt
    fields = ["at", "channel", "outcome", "source", "note"]
    readonly_fields = ["at", "channel", "outcome", "source", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # attempts are recorded through the case page, never edited here


@admin.register(Case)
class CaseAdmin(OrganisationScopedAdmin):
    list_display = ["reference", "organisation", "procedure_kind", "department", "status"]
    list_filter = ["status", "procedure_kind"]
    search_fields = ["reference"]
    readonly_fields = ["reference", "person", "created_by", "created_at", "updated_at"]
    exclude = ["particular_circumstances"]
    inlines = [AttemptInline]
    moving_fields = ("organisation",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "booking_page" and not request.user.is_superuser:
            # Pages followed by her organisations' cases: never another organisation's URLs.
            followed = Case.objects.filter(organisation__in=admin_organisations(request))
            kwargs["queryset"] = BookingPage.objects.filter(
                pk__in=followed.values("booking_page_id")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
