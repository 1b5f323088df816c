"""Assisted attempts on the RDV Préfecture simulator: the person reads and types the code."""

import email
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from PIL import Image

from creneau.cases.models import Attempt
from creneau.catalog.models import BookingPage
from creneau.evidence.models import Capture
from creneau.notifications.models import AlertLog
from creneau.scheduling import assisted
from creneau.scheduling.models import AssistedSession
from tests.scheduling.conftest import follow

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.scheduling.urls")]


@pytest.fixture
def rdv_case(sim, personas):
    page = BookingPage.objects.create(url=sim.url("rdv_prefecture"), system="rdv_prefecture")
    return follow(page, personas)


def link_path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_the_reminder_carries_a_signed_link_that_expires(
    rdv_case, smtp, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        assisted.remind(rdv_case, timezone.now())

    assert AlertLog.objects.get(case=rdv_case, kind="reminder").result == "delivered"
    body = email.message_from_string(smtp.to(rdv_case.person.email)[0])
    text = next(p for p in body.walk() if p.get_content_type() == "text/plain")
    link = re.search(r"http://testserver(/tentative/\S+/)", text.get_payload(decode=True).decode())
    assert link is not None
    assert Client().get(link[1]).status_code == 200
    assert Client().get(link[1][:-4] + "xyz/").status_code == 404
    with time_machine.travel(
        timezone.now() + timedelta(hours=settings.ASSISTED_LINK_HOURS, minutes=1)
    ):
        assert assisted.session_for_token(link[1].strip("/").rsplit("/", 1)[1]) is None


@pytest.mark.browser
def test_the_person_answers_the_relayed_challenge_and_the_result_is_sealed(
    sim, rdv_case, django_capture_on_commit_callbacks
):
    """GIVEN a reminder link opened on the person's phone
    WHEN the server's browser relays the captcha image and the person types what they read
    THEN the server types it into the real page, and the slot page is sealed as an attempt."""
    session = assisted.remind(rdv_case, timezone.now())
    path = link_path(assisted.link_for(session))
    phone = Client()
    with django_capture_on_commit_callbacks(execute=False):
        assert phone.post(path + "commencer/").status_code == 302
    seen: list[str] = []
    sizes: list[tuple[int, int]] = []

    def person_reads_and_types(seconds: float) -> None:
        page = phone.get(path).content.decode()
        if "data:image/png;base64," in page and not seen:
            seen.append(page)
            shown = AssistedSession.objects.get(pk=session.pk).challenge
            sizes.append(Image.open(io.BytesIO(bytes(shown))).size)
            phone.post(path + "reponse/", {"answer": sim.captcha_code})

    outcome = assisted.run_session(session.pk, wait=person_reads_and_types)

    assert outcome == "no_slot"
    assert seen, "the challenge image was shown to the person"
    # The code's 170 × 50 image alone (give or take a rounded pixel), not the widget with the
    # site's « Générer un nouveau code » and « Écouter le code » (before: 992 px wide).
    assert sizes and 170 <= sizes[0][0] <= 171 and 50 <= sizes[0][1] <= 51, sizes
    session.refresh_from_db()
    assert session.state == "done" and session.answer == "" and session.challenge == b""
    attempt = Attempt.objects.get(case=rdv_case)
    assert (attempt.source, attempt.outcome) == ("sealed", "no_slot")
    assert Capture.objects.get(attempt=attempt).final_url.endswith("/creneau/")
    assert "C'est fait" in phone.get(path).content.decode()


@pytest.mark.browser
def test_a_person_who_never_answers_leaves_a_failed_session_not_an_attempt(sim, rdv_case, settings):
    settings.ASSISTED_ANSWER_SECONDS = 0
    session = assisted.remind(rdv_case, timezone.now())
    AssistedSession.objects.filter(pk=session.pk).update(state="requested")

    assert assisted.run_session(session.pk, wait=lambda s: None) == "failed"

    assert AssistedSession.objects.get(pk=session.pk).error == "no answer in time"
    assert not Attempt.objects.filter(case=rdv_case).exists()


def test_the_manual_fallback_seals_the_person_screenshot(rdv_case, tmp_path):
    from io import BytesIO

    from PIL import Image

    session = assisted.remind(rdv_case, timezone.now())
    picture = BytesIO()
    Image.new("RGB", (40, 20), "white").save(picture, "PNG")
    picture.name = "capture.png"
    picture.seek(0)

    answer = Client().post(
        link_path(assisted.link_for(session)) + "capture/",
        {"screenshot": picture, "outcome": "no_slot"},
    )

    assert answer.status_code == 302
    attempt = Attempt.objects.get(case=rdv_case)
    assert (attempt.source, attempt.outcome, attempt.files.count()) == ("manual", "no_slot", 1)


def test_a_stalled_session_is_failed_when_its_page_is_opened_and_can_start_again(rdv_case):
    """The worker holding the page died: the person is told at once instead of waiting."""
    session = assisted.remind(rdv_case, timezone.now())
    moved = timezone.now() - assisted.STALLED - timedelta(seconds=1)
    AssistedSession.objects.filter(pk=session.pk).update(state="challenge", progress_at=moved)
    path = link_path(assisted.link_for(session))

    page = Client().get(path).content.decode()

    assert "La tentative n'a pas pu aboutir. Vous pouvez recommencer." in page
    assert AssistedSession.objects.get(pk=session.pk).state == "failed"
    assert assisted.request_start(AssistedSession.objects.get(pk=session.pk))


def test_the_sweep_leaves_live_and_queued_sessions_alone_and_expires_old_ones(rdv_case):
    now = timezone.now()
    live = assisted.remind(rdv_case, now)
    queued = assisted.remind(rdv_case, now)
    old = assisted.remind(rdv_case, now)
    AssistedSession.objects.filter(pk=live.pk).update(state="answered", progress_at=now)
    AssistedSession.objects.filter(pk=queued.pk).update(
        state="requested", progress_at=now - timedelta(minutes=30)
    )
    AssistedSession.objects.filter(pk=old.pk).update(
        state="requested", expires_at=now - timedelta(minutes=1)
    )

    assert assisted.sweep_stalled(now + assisted.HEARTBEAT) == 1

    states = dict(AssistedSession.objects.values_list("pk", "state"))
    assert (states[live.pk], states[queued.pk], states[old.pk]) == (
        "answered",
        "requested",
        "expired",
    )


@pytest.mark.browser
def test_a_refused_code_is_said_clearly_and_the_person_types_the_new_one(
    sim, rdv_case, django_capture_on_commit_callbacks
):
    """GIVEN the person mistypes the code
    WHEN the prefecture's site answers with a new challenge
    THEN the page says « Code refusé » with the tries left, and the next code goes through."""
    session = assisted.remind(rdv_case, timezone.now())
    path = link_path(assisted.link_for(session))
    phone = Client()
    with django_capture_on_commit_callbacks(execute=False):
        phone.post(path + "commencer/")
    pages: list[str] = []

    def person_reads_and_types(seconds: float) -> None:
        page = phone.get(path).content.decode()
        if "data:image/png;base64," not in page:
            return
        pages.append(page)
        answer = "FAUX00" if len(pages) == 1 else sim.captcha_code
        phone.post(path + "reponse/", {"answer": answer})
        pages.append(phone.get(path).content.decode())

    assert assisted.run_session(session.pk, wait=person_reads_and_types) == "no_slot"

    first, after_first_code, second, _after_second = pages
    assert "Code refusé" not in first
    assert "Code envoyé. Patientez" in after_first_code
    assert "s'ouvre sur notre serveur" not in after_first_code
    assert 'id="code-refused"' in second and "il vous reste 2 essais" in second
    final = phone.get(path).content.decode()
    assert "C'est fait" in final and "Code refusé" not in final
    assert f'href="/p/dossier/{rdv_case.reference}/"' in final


def finished_with(rdv_case, outcome: str, rounds: int) -> AssistedSession:
    from creneau.evidence.attempts import record_attempt

    session = assisted.remind(rdv_case, timezone.now())
    attempt = record_attempt(
        rdv_case, channel="online", outcome=outcome, at=timezone.now(), note="essai"
    )
    AssistedSession.objects.filter(pk=session.pk).update(
        state="done", rounds=rounds, attempt=attempt
    )
    return AssistedSession.objects.get(pk=session.pk)


def test_when_every_code_was_refused_the_final_page_says_so_and_offers_to_try_again(rdv_case):
    session = finished_with(rdv_case, "captcha", rounds=assisted.MAX_ROUNDS)
    path = link_path(assisted.link_for(session))

    page = Client().get(path).content.decode()

    assert "Code refusé" in page and "C'est fait" not in page
    assert "Réessayer avec un nouveau code" in page
    assert f'href="/p/dossier/{rdv_case.reference}/"' in page
    assert assisted.request_start(session)
    session.refresh_from_db()
    assert (session.state, session.rounds) == ("requested", 0)


def test_a_finished_attempt_cannot_be_started_again_and_leads_back_to_the_portal(rdv_case):
    session = finished_with(rdv_case, "no_slot", rounds=1)
    page = Client().get(link_path(assisted.link_for(session))).content.decode()

    assert "C'est fait" in page and "Code refusé" not in page
    assert "Retour à mon espace personnel" in page
    assert not assisted.request_start(session)


def test_a_challenge_page_found_without_any_code_typed_is_not_called_refused(rdv_case):
    session = finished_with(rdv_case, "captcha", rounds=0)
    assert not assisted.code_refused(session)
    assert not assisted.request_start(session)


def test_after_the_code_the_wait_is_about_the_code_in_the_persons_language(rdv_case):
    rdv_case.person.preferred_language = "es"
    rdv_case.person.save()
    session = assisted.remind(rdv_case, timezone.now())
    AssistedSession.objects.filter(pk=session.pk).update(
        state="answered", rounds=1, progress_at=timezone.now()
    )

    response = Client().get(link_path(assisted.link_for(session)))

    page = response.content.decode()
    assert "Código enviado" in page and "se está abriendo" not in page
    assert response["Refresh"]  # the page keeps reloading until the site answers


def test_the_assisted_page_speaks_the_persons_language_until_they_switch(rdv_case):
    """The saved preference (whatever the browser asks), then the person's own choice through
    the page's language switch."""
    rdv_case.person.preferred_language = "es"
    rdv_case.person.save()
    session = assisted.remind(rdv_case, timezone.now())
    browser = Client(HTTP_ACCEPT_LANGUAGE="ar")
    path = link_path(assisted.link_for(session))

    first = browser.get(path).content.decode()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the switch sets
    switched = browser.get(path).content.decode()

    assert '<html lang="es" dir="ltr">' in first and 'id="language"' in first
    assert '<html lang="en" dir="ltr">' in switched and "Appointment attempt" in switched
