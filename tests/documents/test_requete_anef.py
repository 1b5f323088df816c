"""The ANEF variant of the requête and the ANEF letters, read as a jurist would."""

import datetime
from pathlib import Path

import pytest

from creneau.cases.models import Case
from creneau.documents.exhibits import exhibits_for
from creneau.documents.generate import DocumentError, draft_document
from creneau.privacy.transfer import import_case, load_file
from tests.documents.anef_cases import renewal_case, student_case

from .textual import normalised

pytestmark = pytest.mark.django_db
DATE = "2026-12-03"


def imported(personas, write, tmp_path: Path) -> Case:
    return import_case(load_file(write(tmp_path)), personas.group)


def requete(case: Case, **options: object) -> str:
    return normalised(draft_document(case, "requete", date=DATE, **options).text)


def test_the_anef_renewal_requete_asks_for_the_substitute_route_citing_its_sources(
    personas, tmp_path
):
    text = requete(imported(personas, renewal_case, tmp_path))
    assert "rendez-vous" not in text  # never « le dépôt suppose un rendez-vous »
    assert "article R. 431-2 du code de l'entrée et du séjour" in text
    assert "arrêté du 1er août 2023" in text and "décret n° 2023-191" in text
    assert "CE, Section, 3 juin 2022, n° 452798" in text
    assert "d'enregistrer sa demande de renouvellement" in text
    assert (
        "en lui permettant de recourir à la solution de substitution prévue par l'article R. 431-2"
        in text
    )
    assert "le récépissé prévu par l'article R. 431-12" in text  # the renewal's second conclusion
    assert "l'attestation de prolongation de l'instruction prévue par l'article R. 431-15-1" in text


def test_the_facts_list_each_blocking_contact_and_request_with_its_exhibit(personas, tmp_path):
    text = requete(imported(personas, renewal_case, tmp_path))
    assert "connexion au téléservice ANEF : message « Une erreur technique est survenue." in text
    assert (
        "appel au centre de contact citoyens (ticket n° CCC-0821-5531), resté sans réponse" in text
    )
    assert "la réponse attestant l'impossibilité de déposer la demande en ligne" in text
    assert (
        "visite au point d'accueil numérique de la préfecture de la Seine-Saint-Denis, en "
        "présence d'un témoin" in text
    )
    assert "courriel au service des étrangers de la préfecture demandant l'enregistrement" in text
    assert (
        "5 tentatives de dépôt sur le téléservice restées vaines, au cours de 5 semaines "
        "différentes, que montrent les captures produites (pièces n° 5 à 8)" in text
    )
    assert "dans le délai prévu par l'article R. 431-5" in text
    assert "sa première démarche dans ce délai date du 20 août 2026 (pièce n° 5)" in text


def test_a_route_the_prefecture_prescribes_is_argued_both_ways(personas, tmp_path):
    """The renewal's route was chosen on the case from the prefecture's page (the generic
    renewal is not on the catalog's ANEF list): the requête says the prefecture requires it,
    and that outside the list it could not be imposed (CE avis n° 461694)."""
    text = requete(imported(personas, renewal_case, tmp_path))
    assert "La préfecture exige que cette demande soit présentée au moyen du téléservice" in text
    assert "CE, avis, 3 juin 2022, n° 461694" in text


def test_the_student_first_application_argues_particular_circumstances(personas, tmp_path):
    case = imported(personas, student_case, tmp_path)
    text = requete(case)
    assert "rendez-vous" not in text
    assert "doit être présentée au moyen du téléservice" in text
    assert "arrêté du 27 avril 2021" in text
    assert "stage obligatoire" in text
    assert "récépissé" not in text  # a first application asks only for the registration
    labels = [e.label for e in exhibits_for(case)]
    assert not any("titre de séjour dont le renouvellement" in label for label in labels)
    assert any(label.startswith("Captures d'écran du téléservice ANEF bloqué") for label in labels)
    assert any("(ticket n° CCC-1110-9007)" in label for label in labels)
    assert any(label.startswith("Visite au point d'accueil numérique") for label in labels)


def test_an_application_filed_on_anef_asks_for_the_attestation_de_prolongation(personas, tmp_path):
    case = imported(personas, renewal_case, tmp_path)
    case.application_filed_on = datetime.date(2026, 8, 25)
    case.save()
    text = requete(case)
    assert "déposée le 25 août 2026 sur le téléservice" in text
    assert "de lui délivrer, dans un délai de 8 jours" in text
    assert "l'attestation de prolongation de l'instruction prévue par l'article R. 431-15-1" in text
    assert "solution de substitution prévue par l'article" not in text


def test_the_email_to_the_prefecture_is_the_substitute_route_request(personas, tmp_path):
    case = imported(personas, student_case, tmp_path)
    draft = draft_document(case, "email", date=DATE)
    text = normalised(draft.text)
    assert draft.context["subject"].startswith("Demande d'enregistrement par la solution de")
    assert "rendez-vous" not in text
    assert "m'inviter à bénéficier de la solution de substitution" in text
    assert "CE, Section, 3 juin 2022, n° 452798" in text


def test_the_message_to_the_contact_centre_asks_for_a_written_answer(personas, tmp_path):
    case = imported(personas, student_case, tmp_path)
    text = normalised(draft_document(case, "ccc", date=DATE).text)
    assert "le dépôt de ma demande en ligne est impossible" in text
    assert "numéro de ma demande d'assistance" in text


def test_anef_letters_are_refused_for_a_case_booked_at_the_prefecture(renewal_case):
    with pytest.raises(DocumentError) as refused:
        draft_document(renewal_case, "ccc", date=DATE)
    assert "ne passe pas par le téléservice ANEF" in str(refused.value)
    assert "rendez-vous" in normalised(draft_document(renewal_case, "requete", date=DATE).text)
