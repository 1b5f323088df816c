from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "creneau.correspondence"
    verbose_name = _("Courriers et courriels")
    default_auto_field = "django.db.models.BigAutoField"
