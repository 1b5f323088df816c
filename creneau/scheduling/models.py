"""What is due, and when: page watchers, evidence schedules, periodic jobs, host budgets and
assisted sessions. Claims are leases (see ``scheduler``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creneau.catalog.models import BookingPage


class HostBudget(models.Model):
    """The politeness budget of one booking host, shared by every worker and scheduler.

    A token bucket: ``tokens`` refill at one every ``refill_seconds`` up to ``capacity``; one
    driver run (one attempt at one page, a few page loads) costs one token. Empty fields take
    the deployment's defaults (``CRENEAU_POLITENESS_*``).
    """

    host = models.CharField(_("hôte"), max_length=255, unique=True)
    capacity = models.PositiveSmallIntegerField(
        _("rafale maximale"), null=True, blank=True, help_text=_("Vide : valeur par défaut.")
    )
    refill_seconds = models.PositiveIntegerField(
        _("secondes entre deux visites"),
        null=True,
        blank=True,
        help_text=_("Vide : valeur par défaut."),
    )
    tokens = models.FloatField(_("jetons disponibles"), default=0)
    updated_at = models.DateTimeField(_("jetons comptés le"))
    backoff_until = models.DateTimeField(_("en pause jusqu'au"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    last_failure = models.CharField(_("dernier échec"), max_length=200, blank=True)
    granted = models.PositiveBigIntegerField(_("visites accordées"), default=0)
    # Degradation, recomputed by the scheduler: what the cases ask against what the budget gives.
    demand_per_week = models.PositiveIntegerField(_("tentatives voulues par semaine"), default=0)
    supply_per_week = models.PositiveIntegerField(_("tentatives possibles par semaine"), default=0)
    degraded_since = models.DateTimeField(_("réduit depuis"), null=True, blank=True)

    class Meta:
        verbose_name = _("budget de politesse d'un hôte")
        verbose_name_plural = _("budgets de politesse des hôtes")
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host


# The outcomes of a run that proved nothing (control.FAILED_RUNS, which the dashboard counts;
# the index below is built on these values: tests/scheduling check that they agree).
FAILING = ("error", "unknown", "captcha", "queue", "setup", "store")


class Claimable(models.Model):
    """A row of due work that exactly one scheduler may claim at a time (lease + token)."""

    next_run_at = models.DateTimeField(_("prochaine exécution"), db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    last_run_at = models.DateTimeField(_("dernière exécution"), null=True, blank=True)
    last_outcome = models.CharField(_("dernier résultat"), max_length=30, blank=True)
    runs = models.PositiveIntegerField(_("exécutions"), default=0)

    class Meta:
        abstract = True


class PageWatch(Claimable):
    """The one shared slot watcher of a booking page, however many cases follow it."""

    page = models.OneToOneField(
        BookingPage, on_delete=models.CASCADE, related_name="watcher", verbose_name=_("page")
    )

    class Meta:
        verbose_name = _("surveillance de page")
        verbose_name_plural = _("surveillances de pages")

    def __str__(self) -> str:
        return str(self.page)


class EvidenceSchedule(Claimable):
    """When the next evidence attempt of a case is due (or its assisted reminder)."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="evidence_schedule",
        verbose_name=_("dossier"),
    )
    last_hour = models.PositiveSmallIntegerField(_("heure de la dernière tentative"), null=True)
    # A volunteer paused the case's attempts (the page's shared watcher goes on for the alerts).
    paused_at = models.DateTimeField(_("en pause depuis"), null=True, blank=True)
    # Why the last run could not visit the page (a page set up wrongly, no browser), in French.
    last_problem = models.CharField(_("dernier empêchement"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("calendrier des tentatives")
        verbose_name_plural = _("calendriers des tentatives")
        indexes = [
            # The dashboard's « tentatives en ligne en échec »: only the failing, unpaused
            # schedules are in it (a schedule is written at every run: the others cost nothing).
            models.Index(
                fields=["case"],
                name="schedule_failing",
                condition=models.Q(last_outcome__in=FAILING, paused_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.case)


class PeriodicJob(Claimable):
    """A job of the scheduler itself (sealing pending captures…), claimed like the rest."""

    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class AssistedSession(models.Model):
    """One assisted attempt: a person answers a challenge relayed from a server-side browser.

    The reminder carries a signed link to this row. ``challenge`` holds the screenshot of the
    challenge area while the browser waits; ``answer`` what the person typed (kept only until
    it is typed into the page). Software never answers.
    """

    class State(models.TextChoices):
        REMINDED = "reminded", _("rappel envoyé")
        REQUESTED = "requested", _("ouverture demandée")
        CHALLENGE = "challenge", _("question affichée")
        ANSWERED = "answered", _("réponse donnée")
        DONE = "done", _("tentative enregistrée")
        FAILED = "failed", _("échec")
        EXPIRED = "expired", _("expirée")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="assisted_sessions"
    )
    state = models.CharField(max_length=20, choices=State, default=State.REMINDED)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    challenge = models.BinaryField(blank=True, default=b"")
    challenge_at = models.DateTimeField(null=True, blank=True)
    # Moved forward by the worker holding the browser, while it holds it: a session whose worker
    # died stops moving, and the sweep (assisted.sweep_stalled) marks it failed.
    progress_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=40, blank=True)
    rounds = models.PositiveSmallIntegerField(default=0)
    attempt = models.ForeignKey(
        "cases.Attempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("tentative assistée")
        verbose_name_plural = _("tentatives assistées")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.state}"
