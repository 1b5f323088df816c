from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "creneau.scheduling"
    default_auto_field = "django.db.models.BigAutoField"
