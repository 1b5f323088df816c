from django.contrib.auth import views as auth_views
from django.urls import path

from creneau.accounts import views

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("installation/", views.first_run, name="first-run"),
]
