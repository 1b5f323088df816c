from django.contrib.auth import views as auth_views
from django.urls import path

from creneau.accounts import views

urlpatterns = [
    path("connexion/", views.PasswordLoginView.as_view(), name="login"),
    path("connexion/code/", views.login_code, name="login-code"),
    path("connexion/annuler/", views.cancel_login, name="login-cancel"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("installation/", views.first_run, name="first-run"),
    path("compte/securite/", views.account_security, name="account-security"),
    path("compte/securite/activer/", views.enable_two_factor, name="two-factor-enable"),
    path("compte/securite/desactiver/", views.disable_two_factor, name="two-factor-disable"),
    path(
        "compte/securite/codes-de-secours/",
        views.renew_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path(
        "compte/securite/organisation/<slug:slug>/",
        views.require_two_factor,
        name="two-factor-require",
    ),
]
