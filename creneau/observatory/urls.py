from django.urls import path

from creneau.observatory import member_views, views

_API = "observatoire/api/v1/"

urlpatterns = [
    path("observatoire/", views.home, name="observatory"),
    path("observatoire/methode/", views.method, name="observatory-method"),
    path("observatoire/donnees/", views.data, name="observatory-data"),
    path("observatoire/donnees/observatoire.json", views.download_json, name="observatory-json"),
    path("observatoire/donnees/jours.csv", views.download_days, name="observatory-days-csv"),
    path(
        "observatoire/donnees/episodes.csv",
        views.download_episodes,
        name="observatory-episodes-csv",
    ),
    path(
        "observatoire/donnees/observatoire-signe.json",
        views.download_signed,
        name="observatory-signed",
    ),
    path(_API, views.api_index, name="observatory-api"),
    path(_API + "prefectures.json", views.api_prefectures, name="observatory-api-prefectures"),
    path(
        _API + "prefectures/<str:department>/<slug:slug>.json",
        views.api_prefecture,
        name="observatory-api-prefecture",
    ),
    path(_API + "pages/<str:source>/<str:key>.json", views.api_page, name="observatory-api-page"),
    path(
        "observatoire/<str:department>/<slug:slug>/",
        views.prefecture,
        name="observatory-prefecture",
    ),
    path("compte/observatoire/", member_views.publication_page, name="observatory-publication"),
    path(
        "dossiers/<str:reference>/observatoire/releve/",
        member_views.availability_exhibit,
        name="observatory-exhibit",
    ),
]
