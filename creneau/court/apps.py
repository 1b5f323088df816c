from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "creneau.court"
    verbose_name = "Tribunal"
