import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField, EncryptedTextField

from creneau.accounts.models import Organisation
from creneau.catalog.models import BookingPage, Department, Prefecture, Procedure, Tribunal
from creneau.lib.writeonce import WriteOnceModel


class Person(models.Model):
    """The foreign national: only what letters and the requête need, encrypted at rest.

    Never credentials, never the asylum narrative, never medical details (legal.md §8.2).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="persons")
    family_name = EncryptedCharField(_("nom de famille"), max_length=150)
    given_names = EncryptedCharField(_("prénoms"), max_length=150, null=True, blank=True)
    birth_date = EncryptedCharField(_("date de naissance"), max_length=10, null=True, blank=True)
    birth_place = EncryptedCharField(_("lieu de naissance"), max_length=150, null=True, blank=True)
    nationality = EncryptedCharField(_("nationalité"), max_length=100, null=True, blank=True)
    email = EncryptedCharField(_("e-mail"), max_length=254, null=True, blank=True)
    phone = EncryptedCharField(_("téléphone"), max_length=40, null=True, blank=True)
    address = EncryptedTextField(_("adresse postale"), null=True, blank=True)
    foreigner_number = EncryptedCharField(
        _("numéro étranger"), max_length=30, null=True, blank=True
    )
    preferred_language = models.CharField(
        _("langue préférée"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    gender = models.CharField(
        _("accord dans les courriers"),
        max_length=1,
        choices=[
            ("f", _("féminin (née, requérante)")),
            ("m", _("masculin (né, requérant)")),
            ("x", _("neutre (né·e, partie requérante)")),
        ],
        blank=True,
        help_text=_("Facultatif : seulement pour accorder les mots des documents."),
    )

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names or ''} {self.family_name}".strip()


def new_reference() -> str:
    """A short reference that is easy to read aloud on the phone (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class CaseQuerySet(models.QuerySet["Case"]):
    def for_user(self, user: "AbstractBaseUser | AnonymousUser") -> "CaseQuerySet":
        """Cases of the organisations the user belongs to; nothing for anyone else."""
        if user.pk is None:
            return self.none()
        # The organisation ids themselves, not a subquery: with ``organisation_id = 7`` both
        # SQLite and PostgreSQL walk the (organisation, …) indexes in order, where PostgreSQL
        # turns a subquery into a join and sorts every case of the organisation (100,000).
        from creneau.accounts.models import Member

        memberships = Member.objects.filter(user_id=user.pk).values_list("organisation_id")
        return self.filter(organisation_id__in=[pk for (pk,) in memberships])

    def note_change(self) -> None:
        """The cases' evidence changed (an attempt, a file, a timestamp): ``updated_at`` moves,
        so their stored assessments are known to be out of date."""
        self.update(updated_at=timezone.now())

    def note_attempt(self, at: datetime, outcome: str) -> None:
        """Move the cases' last-attempt dates forward to ``at`` (never backward).

        Conditional updates, so that two workers recording at once keep the later date.
        """
        self.note_change()
        later = models.Q(last_attempt_at__isnull=True) | models.Q(last_attempt_at__lt=at)
        self.filter(later).update(last_attempt_at=at)
        if outcome == Outcome.SLOTS_AVAILABLE:
            later = models.Q(last_slots_at__isnull=True) | models.Q(last_slots_at__lt=at)
            self.filter(later).update(last_slots_at=at)

    def recompute_last_attempts(self) -> int:
        """Set the dates from the attempts themselves (after bulk loads, which skip ``save``)."""
        attempts = Attempt.objects.filter(case=models.OuterRef("pk")).order_by("-at")
        slots = attempts.filter(outcome=Outcome.SLOTS_AVAILABLE)
        return self.update(
            last_attempt_at=models.Subquery(attempts.values("at")[:1]),
            last_slots_at=models.Subquery(slots.values("at")[:1]),
        )


class Case(models.Model):
    """One person's one démarche at one prefecture."""

    class Status(models.TextChoices):
        GATHERING = "gathering", _("collecte des preuves")
        READY = "ready", _("prêt pour le tribunal")
        FILED = "filed", _("requête déposée")
        INJUNCTION = "injunction", _("injonction obtenue")
        APPOINTMENT = "appointment", _("rendez-vous obtenu")
        CLOSED = "closed", _("clos")

    # Still gathering proof, or proving that an injunction is not executed: attempts go on.
    ACTIVE_STATUSES = (Status.GATHERING, Status.READY, Status.FILED, Status.INJUNCTION)

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(
        _("référence"), max_length=12, unique=True, default=new_reference, editable=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    procedure_kind = models.CharField(
        _("nature de la démarche"), max_length=30, choices=Procedure.Kind
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("démarche")
    )
    title = models.CharField(_("titre demandé"), max_length=200, blank=True)
    ground = models.CharField(_("fondement"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, verbose_name=_("département")
    )
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("site")
    )
    booking_page = models.ForeignKey(
        BookingPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("page de prise de rendez-vous"),
    )
    # Urgency facts (CE 9 juin 2022 n° 453391).
    title_expires_on = models.DateField(_("fin de validité du titre actuel"), null=True, blank=True)
    unexecuted_oqtf = models.BooleanField(_("OQTF non exécutée"), default=False)
    employment = models.BooleanField(_("emploi en jeu"), default=False)
    social_benefits = models.BooleanField(_("droits sociaux en jeu"), default=False)
    particular_circumstances = EncryptedTextField(
        _("circonstances particulières"), null=True, blank=True
    )
    # What decides the route (référé mesures utiles or not): a decision already taken.
    application_filed_on = models.DateField(
        _("demande déposée le"),
        null=True,
        blank=True,
        help_text=_(
            "Si une demande a pu être déposée (guichet, ANEF, courrier prescrit) : sa date. "
            "Quatre mois de silence valent refus implicite."
        ),
    )
    refused_on = models.DateField(
        _("refus explicite notifié le"),
        null=True,
        blank=True,
        help_text=_("Si la préfecture a pris une décision de refus : sa date."),
    )
    # The competent prefect is the one of the residence; the person's address and the case's
    # département may differ for a good reason (domiciliation…): someone has to say so.
    department_confirmed = models.BooleanField(
        _("résidence confirmée malgré l'adresse"),
        default=False,
        help_text=_(
            "À cocher si l'adresse postale est dans un autre département pour une bonne raison "
            "(domiciliation, adresse de correspondance…) : la préfecture compétente est celle du "
            "lieu de résidence."
        ),
    )
    status = models.CharField(_("état"), max_length=20, choices=Status, default=Status.GATHERING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by Attempt.save: the dashboard filters 10,000 cases on them without reading attempts.
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, editable=False)
    last_slots_at = models.DateTimeField(_("derniers créneaux vus"), null=True, editable=False)
    # A copy of the stored assessment's verdict (assessment.CaseAssessment, which keeps it in
    # step), so that lists count and filter 10,000 cases by verdict on this row's index alone.
    verdict = models.CharField(
        _("évaluation enregistrée"), max_length=20, blank=True, editable=False
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["organisation", "-updated_at"], name="case_org_updated"),
            models.Index(
                fields=["organisation", "status", "last_attempt_at"], name="case_org_last_attempt"
            ),
            models.Index(fields=["organisation", "status", "verdict"], name="case_org_verdict"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def tribunal(self) -> Tribunal:
        return self.department.tribunal


class Channel(models.TextChoices):
    ONLINE = "online", _("en ligne")
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("lettre recommandée")
    COUNTER = "counter", _("guichet")
    CCC = "ccc", _("centre de contact citoyen (ANEF)")
    DDD = "ddd", _("Défenseur des droits")
    PHONE = "phone", _("téléphone")
    OTHER = "other", _("autre")


class Outcome(models.TextChoices):
    NO_SLOT = "no_slot", _("aucun créneau")
    SLOTS_AVAILABLE = "slots_available", _("créneaux disponibles")
    CLOSED = "closed", _("prise de rendez-vous fermée")
    ERROR = "error", _("erreur du site")
    CAPTCHA = "captcha", _("captcha à résoudre")
    QUEUE = "queue", _("file d'attente")
    UNKNOWN = "unknown", _("page non reconnue")
    SENT = "sent", _("envoyé")
    DELIVERED = "delivered", _("distribué")
    REFUSED = "refused", _("refusé")
    ANSWERED = "answered", _("réponse reçue")
    NO_ANSWER = "no_answer", _("sans réponse")


# What a booking page can say (the classifier's answers and the failures that overrule them);
# the other outcomes belong to the written and in-person channels.
ONLINE_OUTCOMES = frozenset(
    {
        Outcome.NO_SLOT,
        Outcome.SLOTS_AVAILABLE,
        Outcome.CLOSED,
        Outcome.ERROR,
        Outcome.CAPTCHA,
        Outcome.QUEUE,
        Outcome.UNKNOWN,
    }
)
# Online outcomes that say nothing about availability (the page could not be read as either).
INCONCLUSIVE_OUTCOMES = frozenset(
    {Outcome.ERROR, Outcome.UNKNOWN, Outcome.CAPTCHA, Outcome.QUEUE, Outcome.CLOSED}
)


class Attempt(WriteOnceModel):
    """One dated try on one channel. Never edited once recorded: a correction is a new row.

    Created by ``creneau.evidence.attempts.record_attempt`` only (with its journal entry).
    """

    class Source(models.TextChoices):
        SEALED = "sealed", _("capture scellée")
        MANUAL = "manual", _("déclaration manuelle")
        IMPORTED = "imported", _("importée")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attempts")
    channel = models.CharField(_("canal"), max_length=20, choices=Channel)
    at = models.DateTimeField(_("date et heure"))
    outcome = models.CharField(_("résultat"), max_length=20, choices=Outcome)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("origine"), max_length=20, choices=Source, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tentative")
        verbose_name_plural = _("tentatives")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d %H:%M} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        created = self._state.adding
        super().save(*args, **kwargs)
        if created:
            Case.objects.filter(pk=self.case_id).note_attempt(self.at, self.outcome)


class AttemptFile(WriteOnceModel):
    """A file attached to an attempt (screenshot, .eml, scan), kept in the evidence store."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey("evidence.Blob", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nom du fichier"), max_length=200)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
