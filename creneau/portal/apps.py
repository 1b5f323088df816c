from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "creneau.portal"
    verbose_name = _("Espace de la personne")
    default_auto_field = "django.db.models.BigAutoField"
