from django.apps import AppConfig


class ScreenshotsConfig(AppConfig):
    name = "creneau.screenshots"
    verbose_name = "Captures d'écran apportées"
