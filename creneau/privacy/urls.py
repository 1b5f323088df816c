from django.urls import path

from creneau.privacy import views

urlpatterns = [
    path("dossiers/<str:reference>/donnees/", views.case_data, name="case-data"),
    path(
        "dossiers/<str:reference>/donnees/copie.zip",
        views.case_data_export,
        name="case-data-export",
    ),
    path("dossiers/<str:reference>/donnees/effacer/", views.case_erase, name="case-erase"),
]
