import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creneau.cases.models import Attempt, Case
from creneau.catalog.models import BookingPage
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def case_urls(case: Case) -> list[str]:
    return [
        reverse("case-detail", args=[case.reference]),
        reverse("case-edit", args=[case.reference]),
    ]


def test_an_anonymous_visitor_is_sent_to_the_login_page(alice_case):
    for url in [reverse("case-list"), reverse("case-create"), *case_urls(alice_case)]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_volunteer_and_her_colleague_see_the_case(personas, alice_case):
    for user in (personas.alice, personas.bob):
        client = personas.client_for(user)
        listing = client.get(reverse("case-list"))
        assert alice_case.reference in listing.content.decode()
        for url in case_urls(alice_case):
            assert client.get(url).status_code == 200


def test_an_outsider_gets_404_on_every_page_of_the_case(personas, alice_case):
    client = personas.client_for(personas.charlie)
    for url in case_urls(alice_case):
        assert client.get(url).status_code == 404
    post = client.post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "phone", "at": "2026-11-02T10:00", "outcome": "no_answer"},
    )
    assert post.status_code == 404
    edit = client.post(reverse("case-edit", args=[alice_case.reference]), {})
    assert edit.status_code == 404
    assert not Attempt.objects.exists()


def test_the_list_shows_only_the_members_organisation(personas, alice_case):
    outsider_case = make_case(personas.other_group, family_name="Nguyen")
    page = personas.client_for(personas.charlie).get(reverse("case-list")).content.decode()
    assert outsider_case.reference in page
    assert alice_case.reference not in page and "Diallo" not in page


def test_the_list_filters_by_status_and_reference(personas, alice_case):
    other = make_case(personas.group, family_name="Benali", status=Case.Status.READY)
    client = personas.client_for(personas.alice)
    ready = client.get(reverse("case-list"), {"status": "ready"}).content.decode()
    assert other.reference in ready and alice_case.reference not in ready
    found = client.get(reverse("case-list"), {"q": alice_case.reference.lower()}).content.decode()
    assert alice_case.reference in found and other.reference not in found


def test_the_list_pages_through_every_case_newest_change_first(personas):
    from datetime import timedelta

    from django.utils import timezone

    cases = [make_case(personas.group, family_name=f"Nom{n}") for n in range(57)]
    for n, case in enumerate(cases):  # case n was last changed n minutes ago
        at = timezone.now() - timedelta(minutes=n)
        Case.objects.filter(pk=case.pk).update(updated_at=at)
    make_case(personas.other_group, family_name="Dehors")
    client = personas.client_for(personas.alice)
    first, second = (client.get(reverse("case-list"), {"page": n}) for n in (1, 2))
    shown = [c.reference for c in first.context["page"]] + [
        c.reference for c in second.context["page"]
    ]
    assert shown == [c.reference for c in cases]
    assert "Page 2 sur 2" in second.content.decode()
    assert "Nom3" in first.content.decode() and "Dehors" not in first.content.decode()


VALID_CASE = {
    "person-family_name": "Haddad",
    "person-given_names": "Samir",
    "person-birth_date": "1988-02-29",
    "person-nationality": "algérienne",
    "person-preferred_language": "ar",
    "case-procedure_kind": "first_application",
    "case-title": "titre de séjour « vie privée et familiale »",
    "case-department": "69",
    "case-booking_url": "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/cgu/",
    "case-status": "gathering",
}


def test_a_volunteer_creates_a_case_in_her_organisation(personas):
    response = personas.client_for(personas.alice).post(reverse("case-create"), VALID_CASE)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", args=[case.reference])
    assert case.organisation == personas.group
    assert case.person.family_name == "Haddad"
    assert case.person.birth_date == "1988-02-29"
    assert case.booking_page.system == "rdv_prefecture"
    assert case.prefecture.name == "Préfecture du Rhône"
    assert case.created_by == personas.alice


def test_an_address_in_another_departement_must_be_corrected_or_confirmed(personas):
    client = personas.client_for(personas.alice)
    data = VALID_CASE | {"person-address": "5 rue des Lilas\n93100 Montreuil"}
    page = client.post(reverse("case-create"), data).content.decode()
    assert "Seine-Saint-Denis" in page and "résidence confirmée malgré" in page
    assert not Case.objects.exists()
    response = client.post(reverse("case-create"), data | {"case-department_confirmed": "on"})
    assert response.status_code == 302
    assert Case.objects.get().department_confirmed


def test_invalid_input_is_explained_in_french_and_nothing_is_saved(personas):
    data = VALID_CASE | {
        "person-family_name": "",
        "person-birth_date": "2999-01-01",
        "case-booking_url": "javascript:alert(1)",
        "case-department": "99",
    }
    response = personas.client_for(personas.alice).post(reverse("case-create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in page
    assert "La date de naissance ne peut pas être dans le futur." in page
    assert "Saisissez une URL valide." in page
    assert "Sélectionnez un choix valide" in page
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("url", "address"),
    [("http://127.0.0.1:8000/admin/", "127.0.0.1"), ("http://169.254.169.254/", "169.254.169.254")],
)
def test_a_booking_page_at_a_local_address_is_refused_and_nothing_is_saved(
    personas, settings, url, address
):
    """The server's own pages and the cloud's metadata service are never a booking page."""
    settings.ALLOW_LOCAL_URLS = False

    response = personas.client_for(personas.alice).post(
        reverse("case-create"), VALID_CASE | {"case-booking_url": url}
    )

    page = response.content.decode()
    assert f"Cette adresse mène à {address}, une adresse locale ou privée" in page
    assert not Case.objects.exists() and not BookingPage.objects.exists()


def test_a_colleague_edits_the_case(personas, alice_case):
    data = VALID_CASE | {"case-department": "93", "case-status": "ready"}
    response = personas.client_for(personas.bob).post(
        reverse("case-edit", args=[alice_case.reference]), data
    )
    assert response.status_code == 302
    alice_case.refresh_from_db()
    assert alice_case.status == "ready" and alice_case.person.family_name == "Haddad"


def test_a_volunteer_records_a_counter_visit_on_the_timeline(personas, alice_case):
    client = personas.client_for(personas.bob)
    response = client.post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "counter", "at": "2026-11-02T08:45", "outcome": "refused", "note": "guichet"},
    )
    assert response.status_code == 302
    attempt = alice_case.attempts.get()
    assert attempt.source == Attempt.Source.MANUAL and attempt.recorded_by == personas.bob
    page = client.get(reverse("case-detail", args=[alice_case.reference])).content.decode()
    assert "Guichet" in page or "guichet" in page
    assert "refusé" in page


def test_an_online_attempt_cannot_claim_a_letter_outcome(personas, alice_case):
    response = personas.client_for(personas.alice).post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "online", "at": "2026-11-02T08:45", "outcome": "sent"},
    )
    assert response.status_code == 400
    assert "ne correspond pas à une tentative en ligne" in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_attempt_in_the_future_is_refused(personas, alice_case):
    response = personas.client_for(personas.alice).post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "phone", "at": "2099-01-01T08:45", "outcome": "no_answer"},
    )
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_the_login_page_is_in_french(personas):
    page = Client().get(reverse("login")).content.decode()
    assert 'lang="fr"' in page
    assert "Nom d’utilisateur" in page or "Nom d'utilisateur" in page


def test_the_case_page_shows_the_assessment_and_the_chart(personas, alice_case):
    client = personas.client_for(personas.alice)
    client.post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "online", "at": "2026-11-02T08:45", "outcome": "no_slot"},
    )
    page = client.get(reverse("case-detail", args=[alice_case.reference])).content.decode()
    assert "Les preuves suffisent-elles ?" in page
    assert "<svg" in page
    assert "CE, 10 juin 2020" in page or "435594" in page


def test_recording_an_attempt_chains_it_into_the_journal_and_the_list_shows_a_fresh_verdict(
    personas, alice_case
):
    """GIVEN a case whose stored verdict says « strong »
    WHEN an attempt is recorded
    THEN the journal holds it, and the list filters on a verdict recomputed since."""
    from creneau.assessment.models import CaseAssessment
    from creneau.evidence.models import JournalEntry

    CaseAssessment.objects.create(case=alice_case, verdict="strong", computed_at=timezone.now())
    client = personas.client_for(personas.alice)
    client.post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "phone", "at": "2026-11-02T08:45", "outcome": "no_answer"},
    )
    assert JournalEntry.objects.filter(case=alice_case).count() == 1
    listing = client.get(reverse("case-list"), {"verdict": "insufficient"}).content.decode()
    assert alice_case.reference in listing
    assert (
        alice_case.reference
        not in client.get(reverse("case-list"), {"verdict": "strong"}).content.decode()
    )


def test_the_csv_export_neutralises_formulas_and_stays_in_the_organisation(personas):
    make_case(personas.group, family_name='=HYPERLINK("http://evil")')
    make_case(personas.other_group, family_name="Nguyen")
    response = personas.client_for(personas.alice).get(reverse("case-list-csv"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body
    assert "Nguyen" not in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person-email", "anli@@example", "Cette adresse e-mail n&#x27;est pas valable"),
        ("person-phone", "pas de téléphone", "Ce numéro de téléphone n&#x27;est pas valable"),
        ("person-phone", "06 12 34", "Ce numéro de téléphone n&#x27;est pas valable"),
        ("case-refused_on", "2999-01-01", "Cette date est dans le futur"),
    ],
)
def test_a_wrong_contact_or_date_is_refused_with_a_french_reason(personas, field, value, message):
    data = VALID_CASE | {field: value}
    response = personas.client_for(personas.alice).post(reverse("case-create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'class="error-summary"' in page and "1 erreur à corriger" in page
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "phone", ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678", "+2127"]
)
def test_french_and_international_numbers_are_accepted(personas, phone):
    data = VALID_CASE | {"person-phone": phone, "person-email": "amina.diallo@exemple.fr"}
    response = personas.client_for(personas.alice).post(reverse("case-create"), data)
    if phone == "+2127":  # too short for any country
        assert response.status_code == 200
    else:
        assert response.status_code == 302, response.content.decode()[:2000]


def test_an_invalid_attempt_lists_its_errors_at_the_top_with_links_to_the_fields(
    personas, alice_case
):
    response = personas.client_for(personas.alice).post(
        reverse("attempt-create", args=[alice_case.reference]),
        {"channel": "counter", "at": "", "outcome": "refused"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    summary = page.index('class="error-summary"')
    assert summary < page.index('id="summary"')  # before the case's first card
    assert 'href="#id_at"' in page
