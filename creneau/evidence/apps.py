from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "creneau.evidence"
    verbose_name = _("Preuves")
    default_auto_field = "django.db.models.BigAutoField"
