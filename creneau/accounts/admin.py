import logging
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from creneau.accounts import twofactor
from creneau.accounts.models import AuditEvent, Member, Organisation, organisations_of

log = logging.getLogger("creneau.accounts.twofactor")


def admin_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    """Organisations the user administers (all of them for a superuser)."""
    if request.user.is_superuser:
        return Organisation.objects.all()
    return organisations_of(request.user, role=Member.Role.ADMIN)


class OrganisationScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin pages an organisation admin may use, limited to their own organisations.

    Every choice offered (and accepted) is scoped the same way, so that an id of another
    organisation's row gets exactly the answer of an id that does not exist; and a row, once
    created, never moves to another organisation except by the operator (superuser).
    """

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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            fields += [f for f in self.moving_fields if f not in fields]
        return fields

    # Fields that would move an existing row to another organisation (or person).
    moving_fields: tuple[str, ...] = ("organisation",)


def colleagues(request: HttpRequest) -> QuerySet[User]:
    """Users an organisation admin may name: members of her organisations, never a superuser."""
    members = Member.objects.filter(organisation__in=admin_organisations(request))
    return User.objects.filter(pk__in=members.values("user_id"), is_superuser=False)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "require_two_factor", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Member)
class MemberAdmin(OrganisationScopedAdmin):
    list_display = ["user", "organisation", "role", "two_factor"]
    list_filter = ["role"]
    autocomplete_fields = ["user"]
    actions = ["reset_two_factor"]
    moving_fields = ("organisation", "user")

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        # The user search belongs to the operator's user admin; an organisation admin picks
        # among the members of her own organisations.
        return super().get_autocomplete_fields(request) if request.user.is_superuser else []

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = colleagues(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        confirmed = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
        queryset: QuerySet[Any] = super().get_queryset(request)
        return queryset.annotate(has_two_factor=Exists(confirmed))  # type: ignore[no-any-return]

    @admin.display(boolean=True, description=_("double authentification"))
    def two_factor(self, member: Any) -> bool:
        return bool(member.has_two_factor)

    @admin.action(description=_("Désactiver la double authentification (téléphone perdu)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[Member]) -> None:
        """Only members of the admin's own organisations: the queryset is already scoped."""
        if not request.user.is_superuser:
            queryset = queryset.exclude(user__is_superuser=True)  # no way up to a superuser
            # A member who also belongs elsewhere keeps her factor: removing it would lower the
            # protection of an organisation this admin does not administer.
            elsewhere = Member.objects.filter(user_id=OuterRef("user_id")).exclude(
                organisation__in=admin_organisations(request)
            )
            queryset = queryset.exclude(Exists(elsewhere))
        for member in queryset.select_related("user"):
            if twofactor.remove(member.user):
                log.info(
                    "two-factor reset for user %s in organisation %s by user %s",
                    member.user_id,
                    member.organisation_id,
                    request.user.pk,
                )
        self.message_user(
            request, _("La double authentification des membres choisis est désactivée.")
        )


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
