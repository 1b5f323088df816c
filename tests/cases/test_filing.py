import pytest

from creneau.cases.filing import filing_route
from creneau.catalog.models import BookingPage
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def test_a_case_follows_the_catalog_route_of_its_démarche_and_says_why(personas):
    case = make_case(personas.group, procedure_id="etudiant-renouvellement")
    route = filing_route(case)
    assert (route.channel, route.basis, route.verified) == ("anef", "catalog", True)
    assert "arrêté du 27 avril 2021" in route.reason
    assert "vérifié le 03/12/2026" in route.reason


def test_the_prefecture_s_page_noted_on_the_case_overrides_the_catalog(personas):
    case = make_case(
        personas.group,
        procedure_id="titre-sejour-renouvellement",
        channel="anef",
        channel_note="Page « Titres de séjour » de la préfecture, lue le 15 août 2026",
    )
    route = filing_route(case)
    assert (route.channel, route.basis) == ("anef", "case")
    assert "Page « Titres de séjour »" in route.reason
    assert "le catalogue indique : rendez-vous en préfecture" in route.reason
    assert route.outside_list


def test_a_case_without_démarche_books_an_appointment_by_default_and_says_it_is_a_default(
    personas,
):
    route = filing_route(make_case(personas.group))
    assert (route.channel, route.basis, route.verified) == ("booking", "default", False)
    assert "article R. 431-3" in route.reason and "annexe 9" in route.reason


def test_following_the_anef_page_itself_makes_the_case_an_anef_one(personas):
    page = BookingPage.objects.create(
        url="https://administration-etrangers-en-france.interieur.gouv.fr/particuliers/",
        system="anef",
    )
    route = filing_route(make_case(personas.group, booking_page=page))
    assert (route.channel, route.basis, route.verified) == ("anef", "page", False)
