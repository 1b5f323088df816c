from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "creneau.catalog"
    verbose_name = _("Référentiel (départements, préfectures, pages)")
    default_auto_field = "django.db.models.BigAutoField"
