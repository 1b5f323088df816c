from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreenshotsConfig(AppConfig):
    name = "creneau.screenshots"
    verbose_name = _("Captures d'écran apportées")
