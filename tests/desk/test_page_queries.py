"""The case page and the lists cost the same number of queries whatever the case holds: more
attempts, files, sealed captures and slot periods add rows to a few queries, never queries.
(Counts only: nothing here is timed.)"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creneau.assessment.services import refresh_stale
from creneau.cases.models import Case
from creneau.catalog.models import BookingPage
from creneau.desk.views import case_urls
from creneau.evidence.attempts import Incoming, record_attempt, seal_file
from creneau.notifications.models import SlotEpisode
from tests.conftest import make_case
from tests.court.conftest import (
    BOOKING_URL,
    letter_jpeg,
    pdf_document,
    screenshot_png,
    sealed_capture,
)

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)


def grow(case: Case, weeks: range) -> None:
    """Each week: a sealed, timestamped capture, a letter with two files, a call without any,
    and a period when the followed page showed slots."""
    for week in weeks:
        at = START + datetime.timedelta(weeks=week)
        sealed_capture(case, at, screenshot_png(f"Aucun créneau disponible {week}"))
        files = [
            seal_file(case, Incoming(letter_jpeg(), f"lettre-{week}.jpg")),
            seal_file(case, Incoming(pdf_document(f"Accusé {week}"), f"avis-{week}.pdf")),
        ]
        later = at + datetime.timedelta(days=1)
        record_attempt(case, channel="letter", outcome="no_answer", at=later, files=files)
        record_attempt(case, channel="phone", outcome="no_answer", at=later, note="standard")
        assert case.booking_page is not None
        SlotEpisode.objects.create(
            page=case.booking_page,
            opened_at=later,
            closed_at=later + datetime.timedelta(hours=1),
        )


def queries_of(client, url: str) -> list[str]:
    client.get(url)  # the first visit makes the case's schedule of online attempts
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def followed_case(personas) -> Case:
    """A case following its booking page since before its first attempt."""
    page = BookingPage.objects.create(url=BOOKING_URL, system="legacy")
    case = make_case(personas.group, booking_page=page)
    Case.objects.filter(pk=case.pk).update(created_at=START - datetime.timedelta(days=1))
    case.refresh_from_db()
    return case


def test_the_case_page_costs_as_many_queries_with_one_week_of_attempts_as_with_four(
    personas, tsa_on
):
    case = followed_case(personas)
    client = personas.client_for(personas.alice)
    url = reverse("case-detail", args=[case.reference])
    grow(case, range(1))
    one = queries_of(client, url)

    grow(case, range(1, 4))
    four = queries_of(client, url)

    assert case.attempts.count() == 12
    page = client.get(url).content.decode()
    assert page.count("Voir la capture et sa preuve") == 4 and page.count("Voir les fichiers") == 4
    assert page.count("Créneaux vus sur la page suivie") == 4
    assert len(four) == len(one), "\n".join(four)
    assert len(one) <= 16, "\n".join(one)


def test_the_case_list_costs_as_many_queries_for_ten_cases_as_for_sixty(personas):
    client = personas.client_for(personas.alice)
    for n in range(10):
        make_case(personas.group, family_name=f"Nom{n}")
    refresh_stale()  # what the periodic sweep does: the pages find every verdict current
    ten = queries_of(client, reverse("case-list"))

    for n in range(10, 60):
        make_case(personas.group, family_name=f"Nom{n}")
    refresh_stale()
    sixty = queries_of(client, reverse("case-list") + "?page=2")

    assert len(sixty) == len(ten), "\n".join(sixty)


@pytest.mark.parametrize("reference", ["ABCD2345", "A Bé", "x%y?z#&"])
def test_the_rows_link_to_the_case_page_exactly_as_reverse_writes_it(reference):
    assert case_urls()(reference) == reverse("case-detail", args=[reference])
