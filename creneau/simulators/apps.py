from django.apps import AppConfig


class SimulatorsConfig(AppConfig):
    name = "creneau.simulators"
    default_auto_field = "django.db.models.BigAutoField"
