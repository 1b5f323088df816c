from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "creneau.portal"
    default_auto_field = "django.db.models.BigAutoField"
