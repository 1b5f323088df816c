from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "creneau.assessment"
    verbose_name = _("Évaluation des dossiers")
    default_auto_field = "django.db.models.BigAutoField"
