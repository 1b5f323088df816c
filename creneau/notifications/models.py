"""Where alerts go (channels), what counts as one availability (episodes), what was sent (log)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField, EncryptedTextField

from creneau.accounts.models import Organisation
from creneau.catalog.models import BookingPage


class NotificationChannel(models.Model):
    """Apprise URLs of a person or a volunteer (``mailto://…``, ``ntfys://…``, ``tgram://…``),
    or ``sms:+33…``: a number the organisation's SMS provider writes to (``sms.py``).

    The URLs are encrypted at rest: they often carry tokens or passwords.
    """

    person = models.ForeignKey(
        "cases.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_channels",
        verbose_name=_("personne"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_channels",
        verbose_name=_("bénévole"),
    )
    label = models.CharField(_("nom"), max_length=100, blank=True)
    urls = EncryptedTextField(
        _("adresses Apprise"), help_text=_("Une adresse par ligne, par exemple ntfys://…")
    )
    language = models.CharField(
        _("langue des messages"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Vide : la langue préférée de la personne."),
    )
    enabled = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("canal d'alerte")
        verbose_name_plural = _("canaux d'alerte")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) ^ Q(user__isnull=False),
                name="channel_for_person_or_user",
            )
        ]

    def __str__(self) -> str:
        return self.label or str(_("canal d'alerte"))

    def url_list(self) -> list[str]:
        return [line.strip() for line in (self.urls or "").splitlines() if line.strip()]


class SlotEpisode(models.Model):
    """A period during which a page showed slots: alerts are sent once per episode.

    Opened by the first ``slots_available`` answer, closed by the next ``no_slot`` or
    ``closed`` one. At most one open episode per page (a partial unique constraint), so two
    workers seeing the same slots at once open it only once.
    """

    page = models.ForeignKey(BookingPage, on_delete=models.CASCADE, related_name="slot_episodes")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("période de créneaux disponibles")
        verbose_name_plural = _("périodes de créneaux disponibles")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["page"], condition=Q(closed_at__isnull=True), name="one_open_episode"
            )
        ]

    def __str__(self) -> str:
        return f"{self.page} {self.opened_at:%Y-%m-%d %H:%M}"


class AlertLog(models.Model):
    """One message handed to a transport (or not), for one recipient of one case."""

    class Kind(models.TextChoices):
        SLOTS = "slots", _("créneaux disponibles")
        REMINDER = "reminder", _("rappel de tentative assistée")

    class Recipient(models.TextChoices):
        PERSON = "person", _("personne")
        VOLUNTEER = "volunteer", _("bénévole")

    class Result(models.TextChoices):
        DELIVERED = "delivered", _("remis au transport")
        FAILED = "failed", _("échec")
        NO_CHANNEL = "no_channel", _("aucun canal")

    kind = models.CharField(max_length=20, choices=Kind)
    episode = models.ForeignKey(
        SlotEpisode, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="alerts")
    recipient = models.CharField(max_length=20, choices=Recipient)
    # Which of the recipient's ways: "channel:<id>", "email" (the case's address, when they set
    # none), "" (none at all). Each one is alerted once per episode.
    target = models.CharField(max_length=40, blank=True, default="")
    language = models.CharField(max_length=8)
    result = models.CharField(max_length=20, choices=Result)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("alerte envoyée")
        verbose_name_plural = _("alertes envoyées")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "case", "recipient", "target"],
                condition=Q(episode__isnull=False),
                name="one_alert_per_episode_and_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case} {self.recipient} {self.result}"


class SmsSettings(models.Model):
    """The SMS account an organisation alerts people through (set by its admins).

    The login and secret are encrypted at rest and only ever put into an Apprise URL in memory,
    for one send (``transport.sms_url``); the channel of a person keeps their number only.
    """

    class Provider(models.TextChoices):
        OCTOPUSH = "octopush", _("Octopush (service français)")
        TWILIO = "twilio", _("Twilio")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sms_settings"
    )
    provider = models.CharField(
        _("service d'envoi de SMS"), max_length=20, choices=Provider, default=Provider.OCTOPUSH
    )
    login = EncryptedCharField(_("identifiant du compte"), max_length=255)
    secret = EncryptedCharField(_("clé secrète du compte"), max_length=255)
    sender = models.CharField(
        _("expéditeur affiché"),
        max_length=20,
        blank=True,
        help_text=_(
            "Octopush : 3 à 11 lettres ou chiffres (par exemple CIMADE93). Twilio : le numéro "
            "d'envoi du compte, au format +33…"
        ),
    )
    enabled = models.BooleanField(_("envoyer les alertes par SMS"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service d'envoi de SMS")
        verbose_name_plural = _("services d'envoi de SMS")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_provider_display()}"
