from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "creneau.privacy"
    default_auto_field = "django.db.models.BigAutoField"
