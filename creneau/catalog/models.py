"""Reference data: départements, tribunals, prefecture sites, procedures, booking pages.

Rows loaded from ``catalog/data/*.csv`` carry their source and the date someone checked them
(``verified_on``); an empty date means UNVERIFIED and the interface says so.
"""

from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tribunal(models.Model):
    slug = models.SlugField(primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    seat = models.CharField(_("siège"), max_length=120)
    address = models.TextField(_("adresse postale"), blank=True)
    address_source = models.TextField(_("source de l'adresse"), blank=True)
    address_verified_on = models.DateField(_("adresse vérifiée le"), null=True, blank=True)
    source = models.TextField(_("source"))
    verified_on = models.DateField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tribunal administratif")
        verbose_name_plural = _("tribunaux administratifs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=80)
    # "de la Seine-Saint-Denis", for "Monsieur le Préfet de la Seine-Saint-Denis".
    name_with_article = models.CharField(_("nom avec article"), max_length=90)
    chef_lieu = models.CharField(_("chef-lieu"), max_length=80)
    tribunal = models.ForeignKey(Tribunal, on_delete=models.PROTECT, related_name="departments")
    # The authority a requête is directed against, when it is not « préfet » + name_with_article
    # (Paris: « préfet de police »; Saint-Barthélemy and Saint-Martin: the delegated prefect).
    prefect = models.CharField(_("autorité préfectorale"), max_length=200, blank=True)
    source = models.TextField(_("source"))
    verified_on = models.DateField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def prefect_title(self) -> str:
        """« préfet de la Seine-Saint-Denis », « préfet de police »…, after « le »."""
        return self.prefect or f"préfet {self.name_with_article}"

    @property
    def zone(self) -> ZoneInfo:
        """Local time of the département: what the clocks on the person's screenshots show."""
        return ZoneInfo(ZONES.get(self.code, "Europe/Paris"))


# Overseas départements and collectivités keep their own legal time (IANA names).
ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
}


class Prefecture(models.Model):
    """A prefecture or sous-préfecture site receiving foreign nationals."""

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("préfecture")
        SUBPREFECTURE = "sous-prefecture", _("sous-préfecture")
        POLICE = "prefecture-de-police", _("préfecture de police")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="sites")
    kind = models.CharField(_("type"), max_length=30, choices=Kind, default=Kind.PREFECTURE)
    name = models.CharField(_("nom"), max_length=150)
    city = models.CharField(_("ville"), max_length=80)
    address = models.TextField(_("adresse postale"), blank=True)
    foreigners_email = models.EmailField(_("e-mail du service des étrangers"), blank=True)
    source = models.TextField(_("source"), blank=True)
    verified_on = models.DateField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("préfecture ou sous-préfecture")
        verbose_name_plural = _("préfectures et sous-préfectures")
        ordering = ["department", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="unique_site_name")
        ]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """A kind of démarche (titre de séjour, AES, naturalisation…)."""

    class Kind(models.TextChoices):
        FIRST_APPLICATION = "first_application", _("première demande")
        RENEWAL = "renewal", _("renouvellement")
        OTHER = "other", _("autre démarche")

    slug = models.SlugField(primary_key=True)
    label = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("nature"), max_length=30, choices=Kind)

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class FilingChannel(models.TextChoices):
    """How an application is lodged: the route a case follows (docs/anef.md)."""

    BOOKING = "booking", _("rendez-vous en préfecture (prise de rendez-vous)")
    ANEF = "anef", _("téléservice ANEF (demande en ligne)")
    POST = "post", _("envoi postal prescrit par le préfet")
    FORM = "form", _("formulaire en ligne (démarches-simplifiées ou autre)")


class ProcedureChannel(models.Model):
    """Where a démarche is lodged, by law or by a prefecture's choice, with the text that says so.

    A row without ``department`` is the national rule (annexe 9 of the CESEDA as read on
    ``verified_on``); a row with one is that prefecture's own choice and wins over it.
    """

    class Status(models.TextChoices):
        VERIFIED = "V", _("lu dans le texte officiel")
        SECONDARY = "S", _("source secondaire")
        UNVERIFIED = "UNVERIFIED", _("non vérifié")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="channels")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("voie de dépôt"), max_length=10, choices=FilingChannel)
    reference = models.CharField(_("texte (clé des références)"), max_length=60, blank=True)
    since = models.DateField(_("depuis le"), null=True, blank=True)
    note = models.TextField(_("précision"), blank=True)
    source = models.TextField(_("source"))
    status = models.CharField(_("état de la recherche"), max_length=10, choices=Status)
    verified_on = models.DateField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("voie de dépôt d'une démarche")
        verbose_name_plural = _("voies de dépôt des démarches")
        ordering = ["procedure", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "department"], name="unique_procedure_channel"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(department__isnull=True),
                name="unique_national_procedure_channel",
            ),
        ]

    def __str__(self) -> str:
        where = self.department_id or "*"
        return f"{self.procedure_id} ({where}) → {self.channel}"


class BookingSystem(models.TextChoices):
    LEGACY = "legacy", _("module de réservation historique des préfectures")
    RDV_PREFECTURE = "rdv_prefecture", _("RDV Préfecture")
    EAPPOINTMENT = "eappointment", _("eAppointment")
    RDV_SERVICE_PUBLIC = "rdv_service_public", _("RDV Service Public")
    DEMARCHES_SIMPLIFIEES = "demarches_simplifiees", _("démarches-simplifiées")
    ANEF = "anef", _("ANEF (téléservice, sans prise de rendez-vous)")
    QMATIC = "qmatic", _("Qmatic")
    SYNBIRD = "synbird", _("Synbird")
    CLICRDV = "clicrdv", _("ClicRDV")
    SMARTAGENDA = "smartagenda", _("Smart Agenda")
    GENERIC = "generic", _("autre site (configuré à la main)")


class BookingPage(models.Model):
    """A booking URL and its system; many cases may follow one page."""

    url = models.URLField(_("adresse de la page"), max_length=500, unique=True)
    system = models.CharField(
        _("système de réservation"), max_length=30, choices=BookingSystem, default="generic"
    )
    label = models.CharField(_("intitulé"), max_length=200, blank=True)
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.SET_NULL, null=True, blank=True, related_name="pages"
    )
    parameters = models.JSONField(
        _("paramètres du système"),
        default=dict,
        blank=True,
        help_text=_(
            "Ce dont les étapes ont besoin pour cette page (un guichet, un code postal…), en "
            'JSON, par exemple {"desk": "2"}. Jamais un code de captcha ni un identifiant.'
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("page de prise de rendez-vous")
        verbose_name_plural = _("pages de prise de rendez-vous")

    def __str__(self) -> str:
        return self.label or self.url


# Recognisable URL shapes of each booking system (booking-systems.md §1).
_URL_MARKERS = [
    ("rdv-prefecture.interieur.gouv.fr", BookingSystem.RDV_PREFECTURE),
    # The platform's path, also on a mirror or a test copy of it (booking-systems.md §B).
    ("/rdvpref/reservation/demarche/", BookingSystem.RDV_PREFECTURE),
    ("/booking/create/", BookingSystem.LEGACY),
    ("eappointment", BookingSystem.EAPPOINTMENT),
    ("rdv.anct.gouv.fr", BookingSystem.RDV_SERVICE_PUBLIC),
    ("rdv-solidarites.fr", BookingSystem.RDV_SERVICE_PUBLIC),
    ("demarches-simplifiees.fr", BookingSystem.DEMARCHES_SIMPLIFIEES),
    ("demarche.numerique.gouv.fr", BookingSystem.DEMARCHES_SIMPLIFIEES),
    ("administration-etrangers-en-france.interieur.gouv.fr", BookingSystem.ANEF),
    ("/qmaticwebbooking", BookingSystem.QMATIC),
    ("synbird.com", BookingSystem.SYNBIRD),
    ("clicrdv.com", BookingSystem.CLICRDV),
    ("smartagenda.fr", BookingSystem.SMARTAGENDA),
]


def guess_system(url: str) -> str:
    """The booking system a URL most likely belongs to; ``generic`` when unsure."""
    lowered = url.lower()
    for marker, system in _URL_MARKERS:
        if marker in lowered:
            return str(system)
    return str(BookingSystem.GENERIC)
