from django.urls import path

from creneau.watch import organisation_pages

PAGES = "organisation/<slug:slug>/pages"

urlpatterns = [
    path(f"{PAGES}/", organisation_pages.organisation_pages, name="organisation-pages"),
    path(f"{PAGES}/ajouter/", organisation_pages.add_page, name="organisation-page-add"),
    path(f"{PAGES}/<int:page_id>/", organisation_pages.organisation_page, name="organisation-page"),
]
