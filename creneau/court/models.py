"""Builds of the court bundle (the documents added for the filing are ``evidence.CaseDocument``,
the follow-up events ``cases.CourtEvent``)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Case
from creneau.evidence.models import Blob


class BundleBuild(models.Model):
    """One build of the Télérecours-ready folder, followed by the bundle page."""

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="bundle_builds")
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    options = models.JSONField(default=dict, blank=True)
    # The finished bundle: one zip kept in the evidence store (every host reads it), and its
    # bundle.json for the pages. ``folder`` is the older way: a folder on the building host.
    archive = models.ForeignKey(
        Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    manifest = models.JSONField(default=dict, blank=True)
    folder = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"
