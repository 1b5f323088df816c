from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Person


class PersonalLinkQuerySet(models.QuerySet["PersonalLink"]):
    def active(self) -> "PersonalLinkQuerySet":
        """Links neither revoked nor expired: the only ones that open (or keep) a session."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class PersonalLink(models.Model):
    """A secret link that lets one person see their own case(s), without an account.

    Only the SHA-256 of the token is stored: the link is shown once, to the volunteer who made
    it. Every portal request checks the link again, so revoking it ends open sessions at once.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="personal_links", verbose_name=_("personne")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    objects = PersonalLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("lien personnel")
        verbose_name_plural = _("liens personnels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.created_at:%Y-%m-%d}"
