from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField


class Organisation(models.Model):
    """A local group of an association: the tenant every case belongs to."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    require_two_factor = models.BooleanField(
        _("double authentification obligatoire"),
        default=False,
        help_text=_("Chaque membre doit activer un code à usage unique pour utiliser Créneau."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrateur·ice")
        VOLUNTEER = "volunteer", _("bénévole")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("rôle"), max_length=20, choices=Role, default=Role.VOLUNTEER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


def organisations_of(
    user: AbstractBaseUser | AnonymousUser, role: str | None = None
) -> models.QuerySet[Organisation]:
    """The organisations a user belongs to (with ``role``, if given); none for a visitor."""
    if user.pk is None:
        return Organisation.objects.none()
    memberships = Member.objects.filter(user_id=user.pk)
    if role is not None:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


class AuditEvent(models.Model):
    """Who viewed, exported, changed or erased which case, and when (never what it contains)."""

    class Action(models.TextChoices):
        VIEW = "view", _("consultation")
        CREATE = "create", _("création")
        CHANGE = "change", _("modification")
        EXPORT = "export", _("export")
        ERASE = "erase", _("effacement")
        DOCUMENT = "document", _("document produit")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(_("auteur"), max_length=150)  # kept if the account is deleted
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    case_reference = models.CharField(_("dossier"), max_length=12, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    detail = models.CharField(_("détail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("journal d'accès")
        verbose_name_plural = _("journal d'accès")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.case_reference}"


class MailSettings(models.Model):
    """The SMTP account an organisation writes to prefectures from (set by its admins)."""

    class Security(models.TextChoices):
        STARTTLS = "starttls", _("STARTTLS (port 587 en général)")
        TLS = "tls", _("TLS dès la connexion (port 465 en général)")
        NONE = "none", _("aucun chiffrement (serveur local uniquement)")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="mail_settings"
    )
    host = models.CharField(_("serveur SMTP"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=587)
    security = models.CharField(
        _("chiffrement"), max_length=10, choices=Security, default=Security.STARTTLS
    )
    username = models.CharField(_("identifiant"), max_length=255, blank=True)
    password = EncryptedCharField(_("mot de passe"), max_length=255, null=True, blank=True)
    from_address = models.EmailField(
        _("adresse d'expédition"),
        help_text=_("L'adresse qui apparaît comme expéditrice ; elle doit appartenir au compte."),
    )
    reply_to = models.EmailField(
        _("adresse de réponse"),
        blank=True,
        help_text=_("Où la préfecture répond (en plus de l'adresse de la personne, si elle en a)."),
    )

    class Meta:
        verbose_name = _("serveur d'envoi des courriels")
        verbose_name_plural = _("serveurs d'envoi des courriels")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.host}:{self.port}"
