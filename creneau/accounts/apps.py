from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "creneau.accounts"
    verbose_name = _("Comptes et organisations")
    default_auto_field = "django.db.models.BigAutoField"
