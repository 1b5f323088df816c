"""French names, in the operator's Django admin, for the outside apps Créneau installs: each
their own AppConfig, only the name changed (settings.INSTALLED_APPS names these classes)."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OtpStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpConfig
from django_tasks_db.apps import TasksAppConfig


class TaskQueue(TasksAppConfig):
    verbose_name = _("File des tâches")  # type: ignore[assignment]


class LoginAttempts(AxesConfig):  # type: ignore[misc]
    verbose_name = _("Tentatives de connexion")


class AuthenticatorApps(OtpTotpConfig):  # type: ignore[misc]
    verbose_name = _("Double authentification : applications")


class RecoveryCodes(OtpStaticConfig):  # type: ignore[misc]
    verbose_name = _("Double authentification : codes de secours")
