from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on their own (feed readers, bookmarks): the same icon.
    path("favicon.ico", RedirectView.as_view(url=static("creneau/favicon.svg"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("creneau.accounts.urls")),
    path("", include("creneau.desk.urls")),
    path("", include("creneau.privacy.urls")),
    path("", include("creneau.correspondence.urls")),
    path("", include("creneau.notifications.urls")),
    path("", include("creneau.portal.urls")),
    path("", include("creneau.court.urls")),
    path("", include("creneau.screenshots.urls")),
    path("", include("creneau.scheduling.urls")),
    path("", include("creneau.observatory.urls")),
    path("", include("creneau.watch.urls")),
]
