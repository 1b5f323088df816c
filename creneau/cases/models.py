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
from creneau.cases.names import index_of
from creneau.catalog.models import (
    BookingPage,
    Department,
    FilingChannel,
    Prefecture,
    Procedure,
    Tribunal,
)
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

    # Keyed hashes of the names' words, to find a person by name (creneau.cases.names).
    name_index = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_index = index_of([self.family_name, self.given_names])
        fields = kwargs.get("update_fields")
        if fields is not None and {"family_name", "given_names"} & set(fields):
            kwargs["update_fields"] = {*fields, "name_index"}
        super().save(*args, **kwargs)

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
    # The route of the application (docs/anef.md); empty: as the catalog says for the démarche.
    channel = models.CharField(
        _("voie de dépôt"),
        max_length=10,
        choices=FilingChannel,
        blank=True,
        help_text=_(
            "À choisir seulement si la page de la préfecture dit autre chose que le catalogue "
            "(laisser vide : la voie prévue pour la démarche)."
        ),
    )
    channel_note = models.TextField(
        _("pourquoi cette voie"),
        blank=True,
        help_text=_("Ce que dit la page de la préfecture, son adresse et la date de lecture."),
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
            # The dashboard's « créneaux vus » and « titres qui expirent » count and list only
            # the cases in their date range. Partial: a case that never saw slots (most) or has
            # no expiry date adds nothing to them, nor any write when it changes.
            models.Index(
                fields=["organisation", "last_slots_at"],
                name="case_org_slots",
                condition=models.Q(last_slots_at__isnull=False),
            ),
            models.Index(
                fields=["organisation", "title_expires_on"],
                name="case_org_expiry",
                condition=models.Q(title_expires_on__isnull=False),
            ),
            # … and « sans tentative depuis 7 jours » the cases never tried (new ones, few).
            models.Index(
                fields=["organisation", "created_at"],
                name="case_org_untried",
                condition=models.Q(last_attempt_at__isnull=True),
            ),
        ]
        # On PostgreSQL only, migration 0011 adds trigram indexes on ``reference`` and on the
        # person's ``name_index`` for the list's search (not declared here: SQLite has none).

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
    PAN = "pan", _("point d'accueil numérique")
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
        SEALED = "sealed", _("enregistrée avec un fichier")
        SENT = "sent", _("courriel envoyé par Créneau")  # witnessed: the sent bytes are sealed
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


class AnefJourney(models.Model):
    """The person's démarche on the ANEF téléservice: what the requête and letters name.

    Never a password or a login: the person signs in themselves (legal.md §8.2). The blockings,
    contacts and requests are attempts; this row holds only the démarche and what was issued.
    """

    class Provisional(models.TextChoices):
        NONE = "none", _("aucun document remis")
        ATTESTATION = "attestation", _("attestation de prolongation de l'instruction")
        RECEPISSE = "recepisse", _("récépissé")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="anef")
    account_created_on = models.DateField(_("compte ANEF créé le"), null=True, blank=True)
    demarche = models.CharField(
        _("démarche choisie sur l'ANEF"),
        max_length=200,
        blank=True,
        help_text=_("Son intitulé tel que l'ANEF l'affiche, par exemple « Étudiant »."),
    )
    demarche_number = models.CharField(
        _("numéro de la démarche ou de la demande"),
        max_length=40,
        blank=True,
        help_text=_(
            "S'il apparaît dans l'espace ANEF ou dans un courriel. Jamais le mot de passe."
        ),
    )
    provisional = models.CharField(
        _("document provisoire remis"),
        max_length=12,
        choices=Provisional,
        blank=True,
        help_text=_("Pour un renouvellement : l'attestation de prolongation ou le récépissé."),
    )
    provisional_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("parcours ANEF")
        verbose_name_plural = _("parcours ANEF")

    def __str__(self) -> str:
        return f"{self.case_id} ANEF"


class AttemptDetail(WriteOnceModel):
    """What the ANEF journey keeps beside an attempt, recorded with it and never edited.

    The contact centre's ticket and whether its answer certifies that filing online is
    impossible; the site of a point d'accueil numérique and whether someone witnessed the visit
    (never who); the ANEF step and the message of a blocking; the purpose of a written request.
    The attempt's note says the same in words, and the journal hashes the note.
    """

    class Via(models.TextChoices):
        PHONE = "phone", _("téléphone")
        FORM = "form", _("formulaire de contact")
        EMAIL = "email", _("courriel")

    class Purpose(models.TextChoices):
        SUBSTITUTE = "substitute", _("demande de la solution de substitution")
        ATTESTATION = "attestation", _("demande de l'attestation de prolongation ou du récépissé")

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="detail")
    via = models.CharField(_("par"), max_length=10, choices=Via, blank=True)
    ticket = models.CharField(_("numéro de ticket"), max_length=60, blank=True)
    certifies_impossibility = models.BooleanField(
        _("atteste l'impossibilité de déposer en ligne"), default=False
    )
    site = models.ForeignKey(
        Prefecture, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    witnessed = models.BooleanField(_("en présence d'un témoin"), default=False)
    step = models.CharField(_("page ou étape de l'ANEF"), max_length=200, blank=True)
    message = models.TextField(_("message affiché"), blank=True)
    purpose = models.CharField(_("objet"), max_length=20, choices=Purpose, blank=True)

    class Meta:
        verbose_name = _("précision d'une tentative")
        verbose_name_plural = _("précisions des tentatives")

    def __str__(self) -> str:
        return f"{self.attempt_id} detail"


def detail_of(attempt: Attempt, *, cached_only: bool = False) -> AttemptDetail | None:
    """The attempt's detail row, or ``None`` (select_related("detail") avoids one query each).

    ``cached_only``: read only what select_related loaded, never the database (for the pure
    planning of exhibits, which also runs on attempts that were never saved)."""
    if attempt.pk is None or (cached_only and "detail" not in attempt._state.fields_cache):
        return None
    try:
        return attempt.detail
    except AttemptDetail.DoesNotExist:
        return None
