from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulatorsConfig(AppConfig):
    name = "creneau.simulators"
    verbose_name = _("Simulateurs")
    default_auto_field = "django.db.models.BigAutoField"
