from django.urls import path
from django.views.generic import RedirectView

from creneau.desk import dashboard, evidence, views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard"), name="home"),
    path("tableau-de-bord/", dashboard.dashboard, name="dashboard"),
    path("dossiers/", views.case_list, name="case-list"),
    path("dossiers/nouveau/", views.case_create, name="case-create"),
    path("dossiers/export.csv", views.case_list_csv, name="case-list-csv"),
    path("dossiers/<str:reference>/", views.case_detail, name="case-detail"),
    path("dossiers/<str:reference>/modifier/", views.case_edit, name="case-edit"),
    path("dossiers/<str:reference>/tentatives/", views.attempt_create, name="attempt-create"),
    path(
        "dossiers/<str:reference>/tentatives/<int:attempt_id>/",
        evidence.viewer,
        name="evidence-viewer",
    ),
    path(
        "dossiers/<str:reference>/tentatives/<int:attempt_id>/fichiers/<str:sha256>",
        evidence.evidence_file,
        name="evidence-file",
    ),
    path(
        "dossiers/<str:reference>/tentatives/<int:attempt_id>/scelle/<uuid:capture_id>.zip",
        evidence.sealed_folder,
        name="evidence-folder",
    ),
    path(
        "dossiers/<str:reference>/tentatives-en-ligne/<str:action>/",
        views.online_attempts,
        name="online-attempts",
    ),
    path(
        "dossiers/<str:reference>/tentatives-assistees/<int:session_id>/retirer/",
        views.withdraw_assisted,
        name="assisted-withdraw",
    ),
]
