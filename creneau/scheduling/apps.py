from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "creneau.scheduling"
    verbose_name = _("Planification des tentatives")
    default_auto_field = "django.db.models.BigAutoField"
