from django.contrib.auth import views as auth_views
from django.urls import path

from creneau.accounts import organisation, views

ORG = "organisation/<slug:slug>"
MEMBER = f"{ORG}/membres/<int:member_id>"

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
    path("organisation/", organisation.organisation_home, name="organisation-home"),
    path(f"{ORG}/", organisation.organisation_settings, name="organisation-settings"),
    path(f"{ORG}/membres/ajouter/", organisation.add_member, name="organisation-add-member"),
    path(f"{MEMBER}/role/", organisation.change_role, name="organisation-member-role"),
    path(f"{MEMBER}/retirer/", organisation.remove_member, name="organisation-member-remove"),
    path(
        f"{MEMBER}/double-authentification/",
        organisation.reset_two_factor,
        name="organisation-member-two-factor",
    ),
    path(f"{MEMBER}/lien/", organisation.new_link, name="organisation-member-link"),
    path(
        "compte/mot-de-passe/<uidb64>/<token>/",
        organisation.SetPasswordView.as_view(),
        name="password-set",
    ),
    path("compte/mot-de-passe/choisi/", organisation.password_set_done, name="password-set-done"),
]
