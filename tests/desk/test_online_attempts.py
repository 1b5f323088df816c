"""The case page tells whether and when Créneau tries the booking page, lets a volunteer try now
(within the site's budget), pause and resume; failures and slots seen reach the dashboard."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creneau.accounts.models import AuditEvent
from creneau.cases.models import Attempt, Case
from creneau.catalog.models import BookingPage
from creneau.notifications.models import AlertLog, SlotEpisode
from creneau.scheduling import assisted, attempts, politeness, scheduler
from creneau.scheduling.models import AssistedSession, EvidenceSchedule
from tests.conftest import make_case
from tests.desk.test_views import VALID_CASE

pytestmark = pytest.mark.django_db
URL = "https://www.rdv.93.gouv.fr/booking/create/9845"


@pytest.fixture
def always_open(settings):
    """A humane window covering every hour, so that « now » is always inside it."""
    settings.EVIDENCE_HOURS, settings.EVIDENCE_DAYS = "00:00-23:59", "mon-sun"


@pytest.fixture
def page(db):
    return BookingPage.objects.create(url=URL, system="legacy")


def section(response, key):
    return next(s for s in response.context["sections"] if s.key == key)


def test_attaching_a_booking_page_says_when_the_first_attempt_runs(personas, alice_case, page):
    client = personas.client_for(personas.alice)
    data = VALID_CASE | {"case-department": "93", "case-booking_url": URL}

    response = client.post(reverse("case-edit", args=[alice_case.reference]), data, follow=True)

    text = response.content.decode()
    assert "Première tentative en ligne prévue le" in text
    assert EvidenceSchedule.objects.filter(case=alice_case).exists()
    assert "Prochaine tentative" in text and "Tenter maintenant" in text


def test_a_case_without_a_page_says_how_attempts_would_start(personas, alice_case):
    text = (
        personas.client_for(personas.alice)
        .get(reverse("case-detail", args=[alice_case.reference]))
        .content.decode()
    )
    assert "Aucune page de rendez-vous n'est suivie" in text
    assert "Tenter maintenant" not in text


def test_trying_now_makes_the_attempt_due_now(personas, page, always_open):
    case = make_case(personas.group, booking_page=page)
    client = personas.client_for(personas.alice)
    url = reverse("online-attempts", args=[case.reference, "maintenant"])

    response = client.post(url, follow=True)

    assert "Tentative demandée" in response.content.decode()
    assert EvidenceSchedule.objects.get(case=case).next_run_at <= timezone.now()


def test_trying_now_when_the_site_budget_is_spent_says_when_and_changes_nothing(
    personas, page, always_open
):
    case = make_case(personas.group, booking_page=page)
    host = politeness.host_of(URL)
    while politeness.take(host, timezone.now()).granted:
        pass
    client = personas.client_for(personas.alice)
    shown = client.get(reverse("case-detail", args=[case.reference])).content.decode()
    before = EvidenceSchedule.objects.get(case=case).next_run_at

    url = reverse("online-attempts", args=[case.reference, "maintenant"])
    response = client.post(url, follow=True)

    assert "la prochaine est possible vers" in shown and "disabled" in shown
    assert "la prochaine est possible vers" in response.content.decode()
    assert EvidenceSchedule.objects.get(case=case).next_run_at == before


def test_pausing_and_resuming_from_the_case_page(personas, page):
    case = make_case(personas.group, booking_page=page)
    client = personas.client_for(personas.alice)

    paused = client.post(reverse("online-attempts", args=[case.reference, "pause"]), follow=True)
    assert "en pause depuis le" in paused.content.decode()
    assert EvidenceSchedule.objects.get(case=case).paused_at is not None

    resumed = client.post(reverse("online-attempts", args=[case.reference, "reprise"]), follow=True)
    assert "Tentatives en ligne reprises." in resumed.content.decode()
    assert EvidenceSchedule.objects.get(case=case).paused_at is None


def test_an_outsider_cannot_drive_the_attempts_of_a_case(personas, page):
    case = make_case(personas.group, booking_page=page)
    client = personas.client_for(personas.charlie)
    for action in ("maintenant", "pause", "reprise"):
        url = reverse("online-attempts", args=[case.reference, action])
        assert client.post(url).status_code == 404
    assert not EvidenceSchedule.objects.filter(case=case, paused_at__isnull=False).exists()


def test_a_page_that_cannot_be_visited_shows_on_the_case_and_on_a_dashboard_card(personas):
    bad = BookingPage.objects.create(
        url="https://rdv.val-de-marne.gouv.fr/eAppointment",
        system="eappointment",
        parameters={"postal_code": "abc", "motive": "20"},
    )
    case = make_case(personas.group, booking_page=bad)
    schedule = scheduler.ensure_case_schedule(case, timezone.now())
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(claim="t", claimed_until=None)
    attempts.evidence_attempt(schedule.pk, "t")
    client = personas.client_for(personas.alice)

    page_text = client.get(reverse("case-detail", args=[case.reference])).content.decode()
    dashboard = client.get(reverse("dashboard"))

    assert "La dernière tentative n'a pas pu avoir lieu." in page_text
    assert "postal_code" in page_text
    assert [c.pk for c in section(dashboard, "failing").cases] == [case.pk]


def test_slots_seen_by_the_page_watcher_show_on_the_dashboard_and_the_timeline(personas, page):
    """GIVEN the followed page's watcher saw slots and the person was alerted (no attempt of
    the case saw them) THEN the dashboard counts the case and its timeline shows the period."""
    case = make_case(personas.group, booking_page=page)
    now = timezone.now()
    episode = SlotEpisode.objects.create(page=page, opened_at=now - timedelta(hours=2))
    AlertLog.objects.create(
        kind="slots",
        episode=episode,
        case=case,
        recipient="person",
        language="fr",
        result="delivered",
        sent_at=now - timedelta(hours=2),
    )
    Case.objects.filter(pk=case.pk).update(created_at=now - timedelta(days=1))
    SlotEpisode.objects.filter(pk=episode.pk).update(closed_at=now - timedelta(hours=1))
    later = make_case(personas.group, family_name="Nouveau", booking_page=page)  # after the slots
    SlotEpisode.objects.create(
        page=page, opened_at=now - timedelta(days=30), closed_at=now - timedelta(days=29)
    )
    client = personas.client_for(personas.alice)

    dashboard = client.get(reverse("dashboard"))
    timeline = client.get(reverse("case-detail", args=[case.reference])).content.decode()

    assert [c.pk for c in section(dashboard, "slots").cases] == [case.pk]
    assert later.pk not in {c.pk for c in section(dashboard, "slots").cases}
    assert "Créneaux vus sur la page suivie" in timeline
    assert "personne (remis au transport)" in timeline


def _pending_section(text: str) -> str:
    start = text.index('id="assisted-pending"')
    return text[start : text.index("</ul>", start)]


def test_the_case_page_lists_assisted_attempts_waiting_for_the_person(personas):
    """GIVEN an assisted page, a link sent yesterday, a session showing its second code, one
    that stopped and one whose every code the site refused (the person may start those two
    again) THEN the case page lists the four, with where each stands, when the link went out
    and until when it is valid; an expired or finished one is not listed."""
    rdv = BookingPage.objects.create(
        url="https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/",
        system="rdv_prefecture",
    )
    case = make_case(personas.group, booking_page=rdv)
    now = timezone.now()
    later = now + timedelta(hours=20)
    sent = AssistedSession.objects.create(case=case, expires_at=later)
    AssistedSession.objects.filter(pk=sent.pk).update(created_at=now - timedelta(days=1))
    AssistedSession.objects.create(
        case=case, expires_at=later, state="challenge", rounds=2, challenge_at=now
    )
    AssistedSession.objects.create(case=case, expires_at=later, state="failed", error="no answer")
    AssistedSession.objects.create(case=case, expires_at=now - timedelta(minutes=1))
    AssistedSession.objects.create(case=case, expires_at=later, state="done")
    every_code_refused = AssistedSession.objects.create(
        case=case, expires_at=later, state="done", rounds=3
    )
    AssistedSession.objects.filter(pk=every_code_refused.pk).update(
        attempt=Attempt.objects.create(case=case, channel="online", at=now, outcome="captcha")
    )

    text = (
        personas.client_for(personas.alice)
        .get(reverse("case-detail", args=[case.reference]))
        .content.decode()
    )

    pending = _pending_section(text)
    assert pending.count("<li>") == 4
    assert "le site a refusé chaque code tapé" in pending
    assert "lien envoyé à la personne, pas encore ouvert" in pending
    assert "le code est affiché à la personne" in pending and "1 code refusé par le site" in pending
    assert "la personne peut recommencer avec le même lien" in pending
    assert "no answer" not in pending  # the worker's technical error stays in the logs
    assert "Lien envoyé le" in pending and "valable jusqu" in pending
    assert pending.count(f'datetime="{timezone.localtime(later):%Y-%m-%dT%H:%M}') == 4


def test_assisted_attempts_still_show_when_the_attempts_are_paused(personas):
    rdv = BookingPage.objects.create(
        url="https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/2/",
        system="rdv_prefecture",
    )
    case = make_case(personas.group, booking_page=rdv)
    AssistedSession.objects.create(case=case, expires_at=timezone.now() + timedelta(hours=2))
    client = personas.client_for(personas.alice)
    client.post(reverse("online-attempts", args=[case.reference, "pause"]))

    text = client.get(reverse("case-detail", args=[case.reference])).content.decode()

    assert "lien envoyé à la personne, pas encore ouvert" in _pending_section(text)
    assert "Envoyer le lien maintenant" not in text


def test_a_volunteer_withdraws_a_link_the_person_can_then_no_longer_use(personas):
    rdv = BookingPage.objects.create(
        url="https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/3/",
        system="rdv_prefecture",
    )
    case = make_case(personas.group, booking_page=rdv)
    session = AssistedSession.objects.create(
        case=case, expires_at=timezone.now() + timedelta(hours=5), state="challenge", rounds=1
    )
    url = reverse("assisted-withdraw", args=[case.reference, session.pk])

    assert personas.client_for(personas.charlie).post(url).status_code == 404
    response = personas.client_for(personas.alice).post(url, follow=True)

    session.refresh_from_db()
    assert session.state == "expired" and session.expires_at <= timezone.now()
    assert not assisted.give_answer(session, "ABCD")  # no code taken any more
    text = response.content.decode()
    assert "Lien retiré : la personne ne peut plus s" in text
    assert 'id="assisted-pending"' not in text
    assert AuditEvent.objects.filter(
        case_reference=case.reference, detail="lien de tentative assistée retiré"
    ).exists()
