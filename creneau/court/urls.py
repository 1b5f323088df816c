from django.urls import path

from creneau.court import views

_CASE = "dossiers/<str:reference>/tribunal/"
_BUILD = _CASE + "dossier-de-depot/<uuid:build_id>/"

urlpatterns = [
    path(_CASE, views.court_page, name="court-page"),
    path(_CASE + "evenements/", views.event_create, name="court-event-create"),
    path(_CASE + "pieces/", views.document_create, name="court-document-create"),
    path(_CASE + "dossier-de-depot/", views.bundle_start, name="court-bundle-start"),
    path(_BUILD, views.bundle_page, name="court-bundle"),
    path(_BUILD + "etat.json", views.bundle_status, name="court-bundle-status"),
    path(_BUILD + "dossier.zip", views.bundle_zip, name="court-bundle-zip"),
    path(_CASE + "echeances.ics", views.calendar_ics, name="court-calendar"),
    path(
        _CASE + "demande-execution.<str:extension>",
        views.execution_document,
        name="court-execution",
    ),
]
