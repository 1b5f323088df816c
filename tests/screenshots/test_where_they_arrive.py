"""Screenshots read where they arrive: the person is told at once in their language, the
volunteer sees each warning with its code and keeps a set-aside screenshot with a note.

The screenshots are real: Chromium renders the simulators' booking pages at phone size with a
status bar and saves them under a phone's file names (``tests/watch/screens.py``).
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from creneau.cases.models import Attempt
from creneau.catalog.models import Procedure
from creneau.evidence.models import ReadingOverride, ScreenshotReading
from creneau.evidence.readings import set_aside_attempts
from creneau.portal import access
from tests.conftest import make_case
from tests.portal.conftest import open_portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def case(personas):
    """GIVEN a first application in Seine-Saint-Denis."""
    procedure = Procedure.objects.get(slug="titre-sejour-premiere-demande")
    return make_case(personas.group, procedure_kind="first_application", procedure=procedure)


def send(client, case, shot, at):
    form = {"at": at, "channel": "online", "outcome": "no_slot"}
    form["file"] = SimpleUploadedFile(shot.path.name, shot.data)
    return client.post(f"/p/dossier/{case.reference}/capture/", form, follow=True)


def told(response):
    return [str(m) for m in response.context["messages"]]


def test_the_person_is_told_in_english_that_the_screenshot_shows_another_prefecture(case, shots):
    person = open_portal(access.issue(case.person, None, None).token)
    person.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = send(person, case, shots["phone_other_prefecture"], "2026-09-05T10:15")

    messages = told(response)
    assert any(m.startswith("Warning: this screenshot does not seem to match") for m in messages)
    assert not any("alors que le dossier concerne" in m for m in messages)  # not in French
    attempt = Attempt.objects.get(case=case)  # kept all the same, as declared
    assert "other_prefecture" in set_aside_attempts([attempt.pk])[attempt.pk]


def test_a_screenshot_that_agrees_is_said_to_agree_and_counts(case, shots):
    person = open_portal(access.issue(case.person, None, None).token)
    person.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    response = send(person, case, shots["phone_no_slot"], "2026-09-03T14:30")

    assert "Créneau ha leído su captura: nada en ella contradice su expediente." in told(response)
    assert set_aside_attempts(case.attempts.values_list("pk", flat=True)) == {}


def test_the_volunteer_sees_each_warning_with_its_code_and_keeps_the_screenshot_with_a_note(
    case, shots, personas
):
    person = open_portal(access.issue(case.person, None, None).token)
    send(person, case, shots["phone_other_prefecture"], "2026-09-05T10:15")
    reading = ScreenshotReading.objects.get(case=case)
    alice = personas.client_for(personas.alice)

    page = alice.get(f"/dossiers/{case.reference}/").content.decode()
    assert 'data-code="other_prefecture"' in page and "<code>other_prefecture</code>" in page
    assert "alors que le dossier concerne" in page  # in plain French for the volunteer
    assert "Mise de côté" in page and "Garder la capture" in page

    keep = f"/dossiers/{case.reference}/captures/lecture/{reading.pk}/garder/"
    refused = alice.post(keep, {"note": "  "}, follow=True)
    assert "Écrivez pourquoi vous gardez cette capture (une note)." in told(refused)
    assert not ReadingOverride.objects.exists()

    kept = alice.post(keep, {"note": "Le site affichait la mauvaise préfecture."}, follow=True)
    assert "Capture gardée : la tentative est de nouveau comptée." in told(kept)
    assert set_aside_attempts([reading.attempt_id]) == {}
    page = kept.content.decode()
    assert "« Le site affichait la mauvaise préfecture. »" in page
    assert "Garder la capture" not in page


def test_an_outsider_cannot_keep_another_organisations_screenshot(case, shots, personas):
    person = open_portal(access.issue(case.person, None, None).token)
    send(person, case, shots["phone_other_prefecture"], "2026-09-05T10:15")
    reading = ScreenshotReading.objects.get(case=case)

    charlie = personas.client_for(personas.charlie)
    answer = charlie.post(
        f"/dossiers/{case.reference}/captures/lecture/{reading.pk}/garder/", {"note": "ok"}
    )
    assert answer.status_code == 404 and not ReadingOverride.objects.exists()
