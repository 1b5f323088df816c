from django.urls import path

from creneau.screenshots import views

_CASE = "dossiers/<str:reference>/captures/"
_IMPORT = _CASE + "import/<uuid:import_id>/"

urlpatterns = [
    path(_CASE + "import/", views.import_start, name="screenshots-import-start"),
    path(_IMPORT, views.import_page, name="screenshots-import"),
    path(_IMPORT + "etat.json", views.import_status, name="screenshots-import-status"),
    path(_CASE + "lecture/<int:reading_id>/garder/", views.override, name="screenshots-override"),
]
