"""What a French administrative-law jurist checks when reading a generated document."""

import datetime
from pathlib import Path

import pytest

from creneau.cases.models import Attempt, CourtEvent
from creneau.documents.checks import stale_references_in
from creneau.documents.generate import DocumentError, draft_document
from creneau.documents.kinds import KINDS
from tests.court.conftest import add_document, pdf_document

from .conftest import DOCUMENT_DATE, paris
from .textual import normalised

REFERENCES = Path(__file__).parents[2] / "creneau/catalog/data/legal_references.csv"
OPTIONS = {"date": DOCUMENT_DATE, "gender": "f"}
EXECUTION = {"ordonnance_date": "2026-10-10", "ordonnance_number": "2612345"}


def text_of(case, kind="requete", **options):
    return normalised(draft_document(case, kind, **(OPTIONS | options)).text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"procedure_kind": "first_application", "title_expires_on": None},
        {"unexecuted_oqtf": True},
        {"refused_on": datetime.date(2026, 10, 1)},
    ],
)
def test_no_generated_document_of_any_kind_cites_a_stale_reference(case_factory, variant):
    case = case_factory(**variant)
    for kind in [name for name, found in KINDS.items() if not found.anef_only]:
        extra = {"despite_oqtf": "oui", "despite_decision": "oui"} if kind == "requete" else {}
        extra |= EXECUTION if kind == "execution" else {}
        text = text_of(case, kind, **extra)
        assert stale_references_in(text) == [], kind
        assert "R. 311-1" not in text and "L. 511-1" not in text


@pytest.mark.django_db
def test_a_person_living_in_another_departement_gets_no_requete_against_the_wrong_prefect(
    case_factory,
):
    case = case_factory(department="94")  # the address is in Saint-Denis (93)
    with pytest.raises(DocumentError) as refused:
        draft_document(case, "requete", **OPTIONS)
    message = str(refused.value)
    assert "Seine-Saint-Denis (93)" in message and "Val-de-Marne (94)" in message
    assert "confirm_department=oui" in message
    assert "préfet du Val-de-Marne" in text_of(case, confirm_department="oui")
    case.department_confirmed = True
    case.save()
    assert draft_document(case, "requete", **OPTIONS).text


@pytest.mark.django_db
def test_with_an_oqtf_the_requete_says_so_and_never_that_no_decision_exists(case_factory):
    case = case_factory(unexecuted_oqtf=True, procedure_kind="first_application")
    text = text_of(case, despite_oqtf="oui")
    assert "obligation de quitter le territoire français" in text
    assert "n'a ni pour objet ni pour effet de suspendre cette décision" in text
    assert "Aucune décision n'a pu être prise" not in text
    assert "exposée à tout moment à une obligation de quitter" not in text


@pytest.mark.django_db
def test_a_requete_despite_a_refusal_names_the_refusal(case_factory):
    case = case_factory(refused_on=datetime.date(2026, 10, 1))
    with pytest.raises(DocumentError, match="despite_decision=oui"):
        draft_document(case, "requete", **OPTIONS)
    text = text_of(case, despite_decision="oui")
    assert "décision de refus le 01/10/2026" in text
    assert "Aucune décision n'a pu être prise" not in text


@pytest.mark.django_db
def test_the_execution_request_takes_the_recorded_injunction_and_waits_for_its_deadline(
    renewal_case,
):
    CourtEvent.objects.create(
        case=renewal_case,
        kind=CourtEvent.Kind.INJUNCTION,
        occurred_on=datetime.date(2026, 11, 28),
        notified_on=datetime.date(2026, 12, 1),
        deadline_days=15,
        court_number="2614321",
    )
    with pytest.raises(DocumentError, match="à partir du 17 décembre 2026"):
        draft_document(renewal_case, "execution", date="2026-12-03")
    text = text_of(renewal_case, "execution", date="2026-12-17")
    assert "Ordonnance n° 2614321 du 28 novembre 2026" in text
    assert "expiré le 16 décembre 2026" in text
    CourtEvent.objects.create(
        case=renewal_case,
        kind=CourtEvent.Kind.APPOINTMENT_OFFERED,
        occurred_on=datetime.date(2026, 12, 10),
    )
    with pytest.raises(DocumentError, match="affirmerait à tort"):
        draft_document(renewal_case, "execution", date="2026-12-17")


@pytest.mark.django_db
def test_the_urgency_is_argued_with_its_exhibits_and_without_a_hedge(renewal_case):
    before = text_of(renewal_case)
    assert "son titre de séjour a expiré le 12 octobre 2026 ;" in before  # nothing to cite yet
    assert "pièce n° 2 à joindre" in " ".join(draft_document(renewal_case, "requete").missing)

    add_document(renewal_case, "residence_title", "", pdf_document("Titre"), "titre.pdf")
    text = text_of(renewal_case)
    assert "son titre de séjour a expiré le 12 octobre 2026 (pièce n° 2)" in text
    assert "ce qu'il appartient au juge" not in text
    assert "La condition d'urgence est, par suite, remplie." in text


@pytest.mark.django_db
def test_the_requete_has_the_paragraphs_a_jurist_expects(renewal_case):
    add_document(renewal_case, "channel", "", pdf_document("Rendez-vous en ligne"), "page.pdf")
    text = text_of(renewal_case)
    for heading in (
        "1. Sur la compétence du tribunal",
        "2. Sur la recevabilité de la requête",
        "3. Sur l'urgence",
        "4. Sur l'utilité de la mesure demandée",
        "5. Sur l'absence d'obstacle à l'exécution d'une décision administrative",
    ):
        assert heading in text
    assert "article R. 312-1 du code de justice administrative" in text
    assert "article R. 221-3 du code de justice administrative" in text
    assert "comme l'indique sa page internet (pièce n° 4)" in text  # the booking rule
    assert "Pièce n° 3 : Justificatif de domicile" in text
    assert "de vérifier que l'administration lui permet de déposer sa demande" in text
    assert "à titre subsidiaire" in text and "attestation de prolongation" in text
    assert "article R. 431-15-1 du même code" in text


@pytest.mark.django_db
def test_a_renewal_started_in_the_r431_5_window_says_so(case_factory):
    case = case_factory(title_expires_on=datetime.date(2026, 10, 30))
    text = text_of(case)
    assert "a entrepris ses démarches dans les deux mois précédant l'expiration" in text
    assert "sa première démarche dans ce délai date du 1er septembre 2026 (pièce n° 5)" in text
    assert "article R. 431-5 du code de l'entrée et du séjour" in text


@pytest.mark.django_db
def test_french_details_a_jurist_would_correct(case_factory):
    case = case_factory(family_name="Ebongue")
    case.person.given_names = "Amina"
    case.person.gender = "f"
    case.person.save()
    text = text_of(case, gender="", communicate_within="1", costs="300")
    assert "née le 2 avril 1990" in text and "Non représentée par un avocat" in text
    assert "dans un délai de 1 jour à compter" in text
    assert "1 jours" not in text
    assert "articles L. 911-1 et L. 911-3 du code de justice administrative" in text
    conclusions = text.split("PAR CES MOTIFS")[1].split("Fait à")[0]
    assert conclusions.strip().endswith("article L. 761-1 du code de justice administrative.")
    assert not conclusions.strip().endswith(";")


@pytest.mark.django_db
def test_costs_without_a_lawyer_and_unverified_references_are_warned(
    renewal_case, settings, tmp_path
):
    document = draft_document(renewal_case, "requete", costs="300", **OPTIONS)
    warnings = " ".join(document.warnings)
    assert "sans avocat" in warnings and "rarement" in warnings
    assert "L. 911-3" not in warnings  # read on 2026-12-03
    # A jurist who withdraws a check (empties its date) gets the warning back.
    header, *rows = REFERENCES.read_text(encoding="utf-8").splitlines()
    row = next(r for r in rows if r.startswith("cja_l911_3,"))
    withdrawn = tmp_path / "refs.csv"
    withdrawn.write_text(f"{header}\n{row.removesuffix('2026-12-03')}\n", encoding="utf-8")
    settings.LEGAL_REFERENCES_FILE = str(withdrawn)
    document = draft_document(renewal_case, "requete", costs="300", **OPTIONS)
    assert "article L. 911-3 du code de justice administrative" in " ".join(document.warnings)


@pytest.mark.django_db
def test_a_history_like_ce_10_juin_2020_is_warned_before_filing(case_factory):
    attempts = [
        *((paris(2026, 9, day, 10, 0), "online", "no_slot", "") for day in (11, 14, 15, 16)),
        (paris(2026, 9, 14, 11, 0), "letter", "sent", ""),
        (paris(2026, 9, 15, 11, 0), "email", "sent", ""),
    ]
    case = case_factory(attempts=attempts)
    document = draft_document(case, "requete", **(OPTIONS | {"date": "2026-09-18"}))
    assert any("Trop tôt pour déposer cette requête" in w for w in document.warnings)


@pytest.mark.django_db
def test_a_time_after_the_october_clock_change_is_printed_as_the_local_clock_shows(
    case_factory,
):
    case = case_factory(attempts=[])
    at = datetime.datetime(2026, 11, 5, 16, 44, tzinfo=datetime.UTC)  # 17:44 in Paris
    Attempt.objects.create(case=case, channel="online", at=at, outcome="no_slot")
    assert "jeudi 5 novembre 2026 à 17 h 44" in text_of(case, date="2026-11-20")


@pytest.mark.django_db
def test_the_witness_writes_the_attestation_by_hand_from_a_model(renewal_case):
    text = text_of(renewal_case, "attestation")
    assert "Cerfa n° 11527*03" in text
    assert "écrite, datée et signée de la main de son auteur" in text
    assert "L'agent d'accueil a répondu" not in text  # the person's note is not testimony


@pytest.mark.django_db
def test_the_note_for_a_lawyer_points_to_suspension_and_liberty_when_a_decision_exists(
    case_factory,
):
    case = case_factory(refused_on=datetime.date(2026, 10, 1))
    text = text_of(case, "summary")
    assert "Référé « mesures utiles » : pas la bonne voie" in text
    assert "article L. 521-1 du code de justice administrative" in text
    assert "article L. 521-2 du code de justice administrative" in text
    assert "Refus explicite notifié le 1er octobre 2026" in text


@pytest.mark.django_db
def test_steps_of_a_single_day_and_week_read_as_french(case_factory):
    """GIVEN two online attempts the same day WHEN the requête counts them THEN it says « le »
    and « une même semaine », never « du X au X » nor « 1 semaine différente », nor « , , »."""
    day = paris(2026, 9, 1, 9, 12)
    attempts = [(day, "online", "no_slot", ""), (day.replace(hour=15), "online", "no_slot", "")]
    text = text_of(case_factory(attempts=attempts))
    assert "Le 1er septembre 2026, elle a accompli 2 démarches, au cours d'une même semaine" in text
    assert "toutes effectuées au cours d'une même semaine" in text
    assert "1 semaine différente" not in text and ", ," not in text
