from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "creneau.watch"
    verbose_name = _("Surveillance des pages")
    default_auto_field = "django.db.models.BigAutoField"
