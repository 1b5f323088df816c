from django.urls import path

from creneau.scheduling import views

urlpatterns = [
    path("tentative/<str:token>/", views.assisted_page, name="assisted"),
    path("tentative/<str:token>/commencer/", views.assisted_start, name="assisted-start"),
    path("tentative/<str:token>/reponse/", views.assisted_answer, name="assisted-answer"),
    path("tentative/<str:token>/capture/", views.assisted_upload, name="assisted-upload"),
]
