"""The project's URLs plus the assisted-attempt pages (until creneau/urls.py includes them)."""

from django.urls import include, path

from creneau.urls import urlpatterns as project

urlpatterns = [
    *(p for p in project if getattr(p, "urlconf_name", None) != "creneau.scheduling.urls"),
    path("", include("creneau.scheduling.urls")),
]
