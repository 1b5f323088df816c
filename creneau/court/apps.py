from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtConfig(AppConfig):
    name = "creneau.court"
    verbose_name = _("Tribunal")
