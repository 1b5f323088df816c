import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Outcome
from creneau.lib.writeonce import WriteOnceModel


class Blob(models.Model):
    """One file in the write-once evidence store, known by its SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fichier de preuve")
        verbose_name_plural = _("fichiers de preuve")

    def __str__(self) -> str:
        return self.sha256


class Seal(WriteOnceModel):
    """A SHA-256 manifest of some artefacts and the RFC 3161 tokens over its exact bytes.

    State goes ``awaiting_timestamp`` → ``sealed`` once, when a token is obtained; it never goes
    back and a seal without a token is never reported as sealed.
    """

    class Kind(models.TextChoices):
        CAPTURE = "capture", _("capture")
        UPLOAD = "upload", _("fichier déposé")

    class State(models.TextChoices):
        # « sealed »: a token was received (checked on arrival when roots are configured);
        # whether it verifies now is evidence.states' question, never this label's.
        SEALED = "sealed", _("jeton d'horodatage reçu")
        AWAITING_TIMESTAMP = "awaiting_timestamp", _("sans jeton d'horodatage")

    TRANSITIONS = frozenset({"state", "sealed_at"})

    kind = models.CharField(max_length=20, choices=Kind)
    manifest = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, choices=State)
    created_at = models.DateTimeField(auto_now_add=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scellé")
        verbose_name_plural = _("scellés")
        ordering = (
            "created_at",
            "id",
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.manifest.sha256[:12]} {self.state}"


class TimestampToken(WriteOnceModel):
    """One authority's RFC 3161 response over the bytes of ``seal.manifest``."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="tokens")
    tsa_url = models.CharField(max_length=500)
    response = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    gen_time = models.DateTimeField()
    tsa_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("jeton d'horodatage")
        verbose_name_plural = _("jetons d'horodatage")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.tsa_url} {self.gen_time:%Y-%m-%d %H:%M:%S}"


class Capture(WriteOnceModel):
    """The artefacts of one online visit of a booking page, sealed together."""

    TRANSITIONS = frozenset({"attempt"})  # an attempt recorded after the capture is linked once

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=2000)
    final_url = models.CharField(max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome)
    system = models.CharField(max_length=40, blank=True)
    matched = models.TextField(blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    browser_version = models.CharField(max_length=100, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="captures"
    )
    attempt = models.ForeignKey(
        "cases.Attempt", on_delete=models.PROTECT, null=True, blank=True, related_name="captures"
    )
    seal = models.OneToOneField(Seal, on_delete=models.PROTECT, related_name="capture")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("capture")
        verbose_name_plural = _("captures")
        ordering = ("started_at",)

    def __str__(self) -> str:
        return f"{self.url} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def state(self) -> str:
        return self.seal.state


class Artefact(WriteOnceModel):
    """One named file of a capture or an upload (``screenshot.png``, ``page.mhtml``…)."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="artefacts")
    name = models.CharField(max_length=100)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    media_type = models.CharField(max_length=100)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["seal", "name"], name="one_artefact_name_per_seal"),
        )
        ordering = ("id",)

    def __str__(self) -> str:
        return self.name


class Upload(WriteOnceModel):
    """A file brought by the person or a volunteer: the original sealed, a cleaned copy filed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="uploads"
    )
    filename = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    original = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    filed = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    seal = models.OneToOneField(Seal, on_delete=models.PROTECT, related_name="upload")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fichier déposé")
        verbose_name_plural = _("fichiers déposés")
        ordering = ("created_at",)

    def __str__(self) -> str:
        return self.filename


class JournalEntry(WriteOnceModel):
    """One link of a case's append-only hash chain.

    ``entry_hash`` = SHA-256 of ``prev_hash`` (hex) followed by ``payload`` (canonical JSON),
    both as UTF-8. The first entry's ``prev_hash`` is 64 zeros.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="journal")
    sequence = models.PositiveIntegerField()
    attempt = models.ForeignKey(
        "cases.Attempt", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20)
    payload = models.TextField()
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("entrées du journal")
        ordering = (
            "case",
            "sequence",
        )
        constraints = (
            models.UniqueConstraint(fields=["case", "sequence"], name="one_sequence_per_case"),
        )

    def __str__(self) -> str:
        return f"{self.case_id} #{self.sequence} {self.entry_hash[:12]}"


class JournalAnchor(WriteOnceModel):
    """An RFC 3161 token over the hash of a journal's head entry (its hex text, UTF-8)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="anchors")
    head_hash = models.CharField(max_length=64)
    tsa_url = models.CharField(max_length=500)
    response = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    gen_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.entry} @ {self.gen_time:%Y-%m-%d %H:%M:%S}"


class ScreenshotReading(WriteOnceModel):
    """What the screenshot reader read in one stored image, and how it compared with a case.

    ``blob`` is the file as it arrived (a sealed upload's original, whose metadata were read),
    never the filed copy without metadata. Derived from the blob (its OCR text is as personal as
    the image): it goes when the blob, the attempt or the case is erased. Never edited: a new
    reading (a newer reader, another attempt) is a new row; a volunteer's decision to count a
    set-aside screenshot anyway is a ``ReadingOverride``.
    """

    blob = models.ForeignKey(Blob, on_delete=models.CASCADE, related_name="readings")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The attempt the screenshot was offered for (one file may serve two attempts: each has its
    # own comparison); empty for a reading made before any attempt existed.
    attempt = models.ForeignKey(
        "cases.Attempt", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome)
    matched = models.TextField(blank=True)
    statement = models.TextField(blank=True)  # the no-slot sentence read, "" when none
    text = models.TextField(blank=True)
    confidence = models.FloatField(default=0.0)
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_at_source = models.CharField(max_length=20, blank=True)
    clock = models.CharField(max_length=5, blank=True)  # « 14:32 » shown on screen
    host = models.CharField(max_length=255, blank=True)
    url = models.TextField(blank=True)
    prefecture = models.CharField(max_length=200, blank=True)
    departments = models.JSONField(default=list, blank=True)
    procedure = models.TextField(blank=True)
    perceptual_hash = models.CharField(max_length=16)
    details = models.JSONField(default=dict, blank=True)  # years, dates, edit signs, places…
    warnings = models.JSONField(default=list, blank=True)  # [{code, key, params, blocking}]
    reader = models.CharField(max_length=200)  # reader and OCR engine versions
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lecture de capture d'écran")
        verbose_name_plural = _("lectures de captures d'écran")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.blob.sha256[:12]} {self.outcome}"

    @property
    def blocking_codes(self) -> list[str]:
        return [str(w["code"]) for w in self.warnings if w.get("blocking")]


class ReadingOverride(WriteOnceModel):
    """A volunteer counts a set-aside screenshot anyway, and says why (a new row, never an edit)."""

    reading = models.ForeignKey(
        ScreenshotReading, on_delete=models.CASCADE, related_name="overrides"
    )
    note = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField(max_length=150)  # kept when the account is deleted
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision sur une capture mise de côté")
        verbose_name_plural = _("décisions sur des captures mises de côté")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.by_name} {self.created_at:%Y-%m-%d %H:%M}"


class CaseDocument(models.Model):
    """A document the volunteer adds for the filing (identity, title, urgency proof…).

    The file itself is a sealed :class:`Upload`: the original kept bit
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

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="court_documents")
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
