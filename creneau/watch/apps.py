from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "creneau.watch"
    default_auto_field = "django.db.models.BigAutoField"
