from django.urls import path

from creneau.portal import link_views, views

urlpatterns = [
    path(
        "dossiers/<str:reference>/lien-personnel/",
        link_views.create_link,
        name="personal-link-create",
    ),
    path(
        "dossiers/<str:reference>/lien-personnel/<int:pk>/revoquer/",
        link_views.revoke_link,
        name="personal-link-revoke",
    ),
    path("p/", views.home, name="portal-home"),
    path("p/alertes/", views.alerts_page, name="portal-alerts"),
    path("p/alertes/<int:pk>/supprimer/", views.alert_remove, name="portal-alert-remove"),
    path("p/alertes/<int:pk>/essai/", views.alert_test, name="portal-alert-test"),
    path("p/sortir/", views.leave, name="portal-leave"),
    path("p/dossier/<str:reference>/", views.case_page, name="portal-case"),
    path("p/dossier/<str:reference>/capture/", views.upload, name="portal-upload"),
    path("p/<str:token>/", views.open_link, name="portal-open"),
]
