"""What the page watchers saw, counted: never a person's case, never a person.

Every watcher check adds one to a small per-page, per-hour counter (``CheckHour``: at most 24
rows a day for a page, 11 in the default watch window), so years of history stay cheap. Slot
episodes are counted from the same checks (``Episode``). A sample of checks is sealed like an
evidence capture (``SealedCheck``: the first conclusive check of each day and the changes
between « slots » and « no slot »), and each finished day is chained into the page's journal
(``DayEntry``) and timestamped (``DayAnchor``). Imported installations' files land in the same
tables under their ``Source``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creneau.catalog.models import BookingPage, Department, Procedure
from creneau.evidence.models import Blob, Capture
from creneau.lib.writeonce import WriteOnceModel

# The online outcomes a check can have, in the order of every table and file.
OUTCOMES = ("no_slot", "slots_available", "closed", "error", "captcha", "queue", "unknown")


class Source(models.Model):
    """Whose checks these are: this installation (``local``) or another one's signed file."""

    LOCAL = "local"

    key = models.CharField(_("clé"), max_length=64, unique=True)  # key fingerprint, or "local"
    local = models.BooleanField(default=False)
    name = models.CharField(_("éditeur"), max_length=200, blank=True)
    url = models.CharField(_("site"), max_length=300, blank=True)
    public_key = models.CharField(_("clé publique"), max_length=100, blank=True)
    generated_at = models.DateTimeField(_("fichier produit le"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importé le"), null=True, blank=True)
    file = models.ForeignKey(
        Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("source de l'observatoire")
        verbose_name_plural = _("sources de l'observatoire")
        ordering = ["-local", "name"]

    def __str__(self) -> str:
        return self.name or self.key


class ObservedPage(models.Model):
    """A booking page as the observatory knows it: where it belongs, and its public form."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="pages")
    key = models.CharField(max_length=16)  # first 16 hex digits of SHA-256(full URL)
    page = models.OneToOneField(
        BookingPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="observed"
    )
    url = models.CharField(_("adresse publiée"), max_length=500)  # no query, no fragment
    system = models.CharField(_("système"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prefecture_name = models.CharField(_("préfecture"), max_length=150, blank=True)
    prefecture_kind = models.CharField(max_length=30, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("démarche"),
    )
    time_zone = models.CharField(max_length=40, default="Europe/Paris")
    published = models.BooleanField(
        _("publiée"),
        default=True,
        help_text=_(
            "Décochez pour une page propre à une personne (un rendez-vous à déplacer…) : ses "
            "relevés restent internes."
        ),
    )
    advice = models.JSONField(default=dict, blank=True)
    advice_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("page observée")
        verbose_name_plural = _("pages observées")
        ordering = ["department", "prefecture_name", "url"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="one_observed_page_per_source")
        ]

    def __str__(self) -> str:
        return self.url


class CheckHour(models.Model):
    """The checks of one page in one local hour of one local day, by outcome."""

    observed = models.ForeignKey(ObservedPage, on_delete=models.CASCADE, related_name="hours")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    checks = models.PositiveIntegerField(default=0)
    no_slot = models.PositiveIntegerField(default=0)
    slots_available = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    error = models.PositiveIntegerField(default=0)
    captcha = models.PositiveIntegerField(default=0)
    queue = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["observed", "day", "hour"]
        constraints = [
            models.UniqueConstraint(fields=["observed", "day", "hour"], name="one_count_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.observed_id} {self.day} {self.hour}h {self.checks}"


class Episode(models.Model):
    """Checks in a row that saw slots: from the first to the last, closed by the next check that
    saw none (``closed_at``). Errors and other inconclusive answers neither extend nor close it."""

    observed = models.ForeignKey(ObservedPage, on_delete=models.CASCADE, related_name="episodes")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    checks = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["observed", "first_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["observed"],
                condition=Q(closed_at__isnull=True),
                name="one_open_observation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.observed_id} {self.first_seen:%Y-%m-%d %H:%M}"


class SealedCheck(WriteOnceModel):
    """A watcher check kept as a sealed capture (manifest + RFC 3161 tokens)."""

    class Reason(models.TextChoices):
        DAILY = "daily", _("premier relevé concluant du jour")
        APPEARED = "appeared", _("apparition de créneaux")
        GONE = "gone", _("disparition des créneaux")

    observed = models.ForeignKey(ObservedPage, on_delete=models.PROTECT, related_name="sealed")
    capture = models.OneToOneField(Capture, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    day = models.DateField()  # local day of the page
    outcome = models.CharField(max_length=20)
    reason = models.CharField(max_length=10, choices=Reason)

    class Meta:
        ordering = ["observed", "at"]

    def __str__(self) -> str:
        return f"{self.observed_id} {self.at:%Y-%m-%d %H:%M} {self.outcome}"


class DayEntry(WriteOnceModel):
    """One finished day of a page in its chained journal (same rule as a case's journal:
    ``entry_hash`` = SHA-256 of ``prev_hash`` followed by ``payload``, UTF-8)."""

    observed = models.ForeignKey(ObservedPage, on_delete=models.PROTECT, related_name="journal")
    sequence = models.PositiveIntegerField()
    day = models.DateField()
    payload = models.TextField()
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["observed", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["observed", "sequence"], name="one_day_sequence"),
            models.UniqueConstraint(fields=["observed", "day"], name="one_entry_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.observed_id} {self.day} {self.entry_hash[:12]}"


class DayAnchor(WriteOnceModel):
    """An RFC 3161 token over a day entry's hash (its hex text, UTF-8)."""

    entry = models.ForeignKey(DayEntry, on_delete=models.PROTECT, related_name="anchors")
    head_hash = models.CharField(max_length=64)
    tsa_url = models.CharField(max_length=500)
    response = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    gen_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.entry} @ {self.gen_time:%Y-%m-%d %H:%M:%S}"


class Publication(models.Model):
    """An organisation's choice: may this installation publish its aggregates? (No by default.)

    The installation publishes only when every organisation it hosts said yes.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="observatory_publication"
    )
    public = models.BooleanField(_("agrégats publics"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication de l'observatoire")
        verbose_name_plural = _("publications de l'observatoire")

    def __str__(self) -> str:
        return f"{self.organisation} {self.public}"


class AvailabilityExhibit(models.Model):
    """A volunteer's choice to file the availability record of a page with a case's bundle."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="availability_exhibits"
    )
    observed = models.ForeignKey(ObservedPage, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("du"))
    last_day = models.DateField(_("au"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("relevé de disponibilité versé au dossier")
        verbose_name_plural = _("relevés de disponibilité versés au dossier")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.first_day} {self.last_day}"
