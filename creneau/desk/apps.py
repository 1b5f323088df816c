from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "creneau.desk"
    verbose_name = _("Bureau des bénévoles")
    default_auto_field = "django.db.models.BigAutoField"
