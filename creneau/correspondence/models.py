"""Writing to the prefecture by every channel other than the booking page.

The evidence itself is always an :class:`~creneau.cases.models.Attempt` (journalled, with sealed
files); the rows here only hold what a channel needs before or around that attempt: the
organisation's SMTP account, e-mail drafts awaiting a volunteer's approval, a repeat schedule,
the tracking number of a registered letter, the site of a counter visit.
"""

import base64
import binascii
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField, EncryptedTextField

from creneau.cases.models import Attempt, Case
from creneau.catalog.models import Prefecture


class EncryptedText(EncryptedTextField):  # type: ignore[misc]
    """Encrypted text whose empty value stays an empty string (the library would store NULL)."""

    def get_prep_value(self, value: Any) -> Any:
        return "" if value == "" else super().get_prep_value(value)


class EncryptedChar(EncryptedCharField):  # type: ignore[misc]
    """Encrypted short text whose empty value stays an empty string."""

    def get_prep_value(self, value: Any) -> Any:
        return "" if value == "" else super().get_prep_value(value)


class EncryptedBytesField(EncryptedTextField):  # type: ignore[misc]
    """Bytes encrypted like the identity fields (their base64 inside the Fernet token)."""

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, bytes | bytearray | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        return "" if value == "" else super().get_prep_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        if text is None or isinstance(text, bytes | memoryview):
            return None if text is None else bytes(text)
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return str(text).encode()


class MailDraft(models.Model):
    """An e-mail ready to go: nothing leaves before a volunteer approves it by an explicit POST.

    ``message`` holds the complete RFC 5322 message without ``Date`` and ``Message-ID``, which
    are set at the moment of sending; ``sent_message`` is then the exact bytes handed to SMTP.
    Subject, text and messages are rendered from the person's identity: encrypted at rest.
    """

    class State(models.TextChoices):
        AWAITING = "awaiting", _("en attente d'approbation")
        SENDING = "sending", _("envoi en cours")
        SENT = "sent", _("envoyé")
        DISCARDED = "discarded", _("abandonné")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mail_drafts")
    recipient = models.EmailField(_("destinataire"))
    recipient_verified = models.BooleanField(default=False)
    subject = EncryptedChar(_("objet"), max_length=300)
    body = EncryptedText(_("texte"))
    attachments = models.JSONField(default=list)  # [{"name", "size"}], for the preview
    missing = models.JSONField(default=list)  # facts the text leaves as dotted lines
    message: Any = EncryptedBytesField()
    state = models.CharField(max_length=10, choices=State, default=State.AWAITING)
    scheduled = models.BooleanField(default=False)  # prepared by a MailSchedule
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_message: Any = EncryptedBytesField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    attempt = models.OneToOneField(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="mail_draft"
    )

    class Meta:
        verbose_name = _("courriel préparé")
        verbose_name_plural = _("courriels préparés")
        ordering = ["-prepared_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.recipient} ({self.state})"


class MailSchedule(models.Model):
    """Prepare the same request again every ``interval_days``; each one still needs approval."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mail_schedule")
    recipient = models.EmailField(_("destinataire"))
    interval_days = models.PositiveSmallIntegerField(_("tous les (jours)"), default=7)
    next_due = models.DateTimeField(_("prochain brouillon"))
    active = models.BooleanField(default=True)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("envoi répété")
        verbose_name_plural = _("envois répétés")

    def __str__(self) -> str:
        return f"{self.case} / {self.interval_days} j"


class RegisteredLetter(models.Model):
    """A lettre recommandée avec avis de réception, from posting to its avis."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="registered_letters")
    tracking_number = models.CharField(_("numéro de suivi"), max_length=15)
    sent = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="+")
    receipt = models.OneToOneField(
        Attempt, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("lettre recommandée")
        verbose_name_plural = _("lettres recommandées")
        ordering = ["sent__at", "id"]

    def __str__(self) -> str:
        return self.tracking_number


class CounterVisit(models.Model):
    """Where a counter visit took place and whether someone saw it. Never who the witness is."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="visit")
    site = models.ForeignKey(
        Prefecture, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("site")
    )
    witnessed = models.BooleanField(_("en présence d'un témoin"), default=False)

    class Meta:
        verbose_name = _("présentation au guichet")
        verbose_name_plural = _("présentations au guichet")

    def __str__(self) -> str:
        return str(self.attempt)
