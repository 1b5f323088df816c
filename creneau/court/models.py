"""What happens at court: documents added for the filing, follow-up events, bundle builds."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Case
from creneau.evidence.models import Upload
from creneau.lib.writeonce import WriteOnceModel


class CaseDocument(models.Model):
    """A document the volunteer adds for the filing (identity, title, urgency proof…).

    The file itself is a sealed :class:`~creneau.evidence.models.Upload`: the original kept bit
    for bit, the EXIF-free copy filed.
    """

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("pièce d'identité")
        RESIDENCE_TITLE = "residence_title", _("titre de séjour")
        RECEIPT = "receipt", _("récépissé ou attestation de prolongation")
        ADDRESS = "address", _("justificatif de domicile")
        CHANNEL = "channel", _("page de la préfecture indiquant comment prendre rendez-vous")
        EMPLOYMENT = "employment", _("contrat de travail, promesse d'embauche, bulletins de paie")
        SCHOOLING = "schooling", _("certificat de scolarité ou d'inscription")
        BENEFITS = "benefits", _("notification de droits (CAF, France Travail, assurance maladie)")
        URGENCY = "urgency", _("autre justificatif d'urgence")
        APPLICATION = "application", _("pièce du dossier de demande de titre")
        OTHER = "other", _("autre pièce")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="court_documents")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind)
    label = models.CharField(_("libellé"), max_length=150)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce ajoutée")
        verbose_name_plural = _("pièces ajoutées")
        ordering = ("added_at", "id")

    def __str__(self) -> str:
        return self.label


class CourtEvent(WriteOnceModel):
    """One thing that happened at court. Append-only: a correction is a new event."""

    class Kind(models.TextChoices):
        FILED = "filed", _("requête déposée")
        APPOINTMENT_OFFERED = "appointment_offered", _("rendez-vous proposé par la préfecture")
        HEARING = "hearing", _("audience")
        NON_LIEU = "non_lieu", _("non-lieu à statuer")
        TRI = "tri", _("ordonnance de tri (rejet sans audience)")
        REJECTED = "rejected", _("rejet après audience")
        INJUNCTION = "injunction", _("injonction obtenue")
        EXECUTION_REQUESTED = "execution_requested", _("demande d'exécution déposée")
        CLOSED = "closed", _("dossier clos")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="court_events")
    kind = models.CharField(_("événement"), max_length=30, choices=Kind)
    occurred_on = models.DateField(_("date"))
    notified_on = models.DateField(_("notifiée le"), null=True, blank=True)
    court_number = models.CharField(_("numéro (requête ou ordonnance)"), max_length=40, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("délai fixé (jours)"), null=True, blank=True)
    astreinte = models.PositiveIntegerField(_("astreinte (€ par jour)"), null=True, blank=True)
    text = models.TextField(_("motifs ou remarques"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("événement au tribunal")
        verbose_name_plural = _("événements au tribunal")
        ordering = ("occurred_on", "id")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.occurred_on}"


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
