from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "creneau.assessment"
    default_auto_field = "django.db.models.BigAutoField"
