"""Admin pages for the politeness budgets and the schedules (imported by creneau/watch/admin.py).

Budgets are per booking host, not per organisation: only superusers change them.
"""

from django.contrib import admin
from django.http import HttpRequest

from creneau.scheduling.models import EvidenceSchedule, HostBudget, PageWatch


@admin.register(HostBudget)
class HostBudgetAdmin(admin.ModelAdmin[HostBudget]):
    list_display = (
        "host",
        "capacity",
        "refill_seconds",
        "backoff_until",
        "failures",
        "degraded_since",
    )
    fields = (
        "host",
        "capacity",
        "refill_seconds",
        "backoff_until",
        "failures",
        "last_failure",
        "demand_per_week",
        "supply_per_week",
        "degraded_since",
        "granted",
    )
    readonly_fields = (
        "failures",
        "last_failure",
        "demand_per_week",
        "supply_per_week",
        "degraded_since",
        "granted",
    )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)


@admin.register(PageWatch)
class PageWatchAdmin(admin.ModelAdmin[PageWatch]):
    list_display = ("page", "next_run_at", "last_run_at", "last_outcome", "runs")
    readonly_fields = ("claimed_until", "claim", "last_run_at", "last_outcome", "runs")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)


@admin.register(EvidenceSchedule)
class EvidenceScheduleAdmin(admin.ModelAdmin[EvidenceSchedule]):
    list_display = ("case", "next_run_at", "last_run_at", "last_outcome", "runs")
    readonly_fields = (
        "case",
        "claimed_until",
        "claim",
        "last_run_at",
        "last_outcome",
        "runs",
        "last_hour",
    )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)
