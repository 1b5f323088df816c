from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("creneau.accounts.urls")),
    path("", include("creneau.desk.urls")),
    path("", include("creneau.privacy.urls")),
    path("", include("creneau.correspondence.urls")),
    path("", include("creneau.portal.urls")),
    path("", include("creneau.court.urls")),
    path("", include("creneau.screenshots.urls")),
    path("", include("creneau.scheduling.urls")),
    path("", include("creneau.observatory.urls")),
]
