"""A bulk import of a phone's screenshots into a case, followed by its progress page."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Case


class ScreenshotImport(models.Model):
    """Many screenshots (a zip, a folder, several files) becoming attempts, one by one."""

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenshot_imports")
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)  # the file being read
    channel = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20)  # what the volunteer says the screenshots show
    # The files to read: a folder this installation wrote (web uploads, removed once read), or
    # the path given on the command line (left as it is).
    source = models.CharField(max_length=1000)
    owns_source = models.BooleanField(default=False)
    # One entry per file: {"name", "status": "recorded" | "skipped", "attempt", "reason"}.
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import de captures d'écran")
        verbose_name_plural = _("imports de captures d'écran")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"
