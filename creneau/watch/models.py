"""Watch configuration stored in the database.

``GenericSiteConfig`` describes a booking page of no known system by what it shows: the texts
that mean "no slot", the texts or CSS selectors that mean "slots", and optional steps. The admin
tests it on the real page and keeps the last result.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from creneau.accounts.models import Organisation
from creneau.catalog.models import BookingPage


def validate_steps(value: object) -> None:
    # Imported here: the drivers pull in the browser seam, which models should not load.
    from creneau.watch.drivers.base import DriverConfigError
    from creneau.watch.drivers.generic import parse_steps

    try:
        parse_steps(value)
    except DriverConfigError as exc:
        raise ValidationError(
            _("Étapes invalides : %(detail)s"), params={"detail": str(exc)}
        ) from exc


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class GenericSiteConfig(models.Model):
    page = models.OneToOneField(
        BookingPage,
        on_delete=models.CASCADE,
        related_name="generic_config",
        verbose_name=_("page de prise de rendez-vous"),
    )
    no_slot_texts = models.TextField(
        _("textes « aucun créneau »"),
        help_text=_(
            "Une phrase par ligne, recopiée de la page. Sans l'une d'elles visible sur la page, "
            "une tentative n'est jamais comptée « aucun créneau »."
        ),
    )
    slot_texts = models.TextField(
        _("textes « créneaux disponibles »"), blank=True, help_text=_("Une phrase par ligne.")
    )
    slot_selectors = models.TextField(
        _("sélecteurs CSS des créneaux"),
        blank=True,
        help_text=_(
            "Un sélecteur par ligne ; un élément visible correspondant signale un créneau."
        ),
    )
    steps = models.JSONField(
        _("étapes de navigation"),
        default=list,
        blank=True,
        validators=[validate_steps],
        help_text=_(
            'Liste JSON, par exemple [{"action": "click", "selector": "#voir"}]. Actions : '
            "click, check, select, fill, wait_for, press."
        ),
    )
    timeout_s = models.PositiveSmallIntegerField(_("délai maximal (secondes)"), default=30)
    last_test_at = models.DateTimeField(_("dernier test le"), null=True, blank=True)
    last_test_outcome = models.CharField(_("résultat du dernier test"), max_length=20, blank=True)
    last_test_matched = models.TextField(_("texte reconnu au dernier test"), blank=True)
    last_test_final_url = models.URLField(
        _("adresse finale au dernier test"), max_length=500, blank=True
    )
    last_test_error = models.TextField(_("erreur au dernier test"), blank=True)

    class Meta:
        verbose_name = _("site générique")
        verbose_name_plural = _("sites génériques")

    def __str__(self) -> str:
        return str(self.page)

    def clean(self) -> None:
        if not _lines(self.no_slot_texts):
            raise ValidationError({"no_slot_texts": _("Indiquez au moins une phrase.")})

    def page_config(self) -> dict[str, Any]:
        """The generic driver's configuration (see ``creneau.watch.drivers.generic``)."""
        return {
            "no_slot_texts": _lines(self.no_slot_texts),
            "slot_texts": _lines(self.slot_texts),
            "slot_selectors": _lines(self.slot_selectors),
            "steps": self.steps,
        }


class OrganisationPage(models.Model):
    """A booking page an organisation's admins added in the app (``/organisation/<slug>/pages/``),
    before or without a case following it. The pages its cases follow are listed there too,
    without a row. A page is one row for the whole installation (its URL is unique): several
    organisations may follow it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    page = models.ForeignKey(
        BookingPage,
        on_delete=models.CASCADE,
        related_name="organisations",
        verbose_name=_("page de prise de rendez-vous"),
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("page ajoutée par une organisation")
        verbose_name_plural = _("pages ajoutées par les organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "page"], name="one_page_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.page}"
