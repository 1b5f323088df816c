"""A second read of the generated documents, as a prefecture's lawyer and a juge des référés
would read them: every number matches what is listed, every « justifie » cites a pièce, every
condition of article L. 521-3 CJA is argued, nothing can be turned against the person."""

import datetime
import re

import pytest

from creneau.cases.models import CourtEvent
from creneau.documents.exhibits import exhibits_for
from creneau.documents.generate import DocumentError, draft_document
from creneau.privacy.transfer import import_case, load_file
from tests.court.conftest import add_document, pdf_document
from tests.documents.anef_cases import student_case

from .conftest import ATTEMPTS, DOCUMENT_DATE, paris
from .textual import normalised

OPTIONS = {"date": DOCUMENT_DATE, "gender": "f"}

WITH_LETTER = [
    *ATTEMPTS[:4],
    (paris(2026, 9, 23, 10, 0), "letter", "sent", ""),
    (paris(2026, 9, 26, 11, 0), "letter", "delivered", ""),
    *ATTEMPTS[5:],
]


def text_of(case, kind="requete", **options):
    return normalised(draft_document(case, kind, **(OPTIONS | options)).text)


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "announced"), [("requete", "a accompli"), ("ddd", "j'ai fait")])
def test_a_registered_letter_and_its_receipt_are_one_step_in_the_count_and_in_the_list(
    case_factory, kind, announced
):
    case = case_factory(attempts=WITH_LETTER)
    text = text_of(case, kind)
    lines = [line for line in text.split(" – ") if "lettre recommandée" in line]
    assert len(lines) == 1, lines
    assert "avis de réception du 26 septembre 2026 : lettre distribuée" in lines[0]
    count = int(re.search(announced + r" (\d+) démarches", text).group(1))
    listed_before_declared = text.split("déclare")[0] if kind == "requete" else text
    assert count == len(re.findall(r"– le \w+ \d+(?:er)? \w+ 2026 à", listed_before_declared))


@pytest.mark.django_db
def test_the_requete_says_justifie_only_when_each_circumstance_cites_its_piece(case_factory):
    case = case_factory(
        procedure_kind="first_application", title_expires_on=None, social_benefits=True
    )
    text = text_of(case)
    assert "justifie en l'espèce des circonstances" not in text
    assert "fait valoir en l'espèce les circonstances particulières suivantes" in text


@pytest.mark.django_db
def test_a_first_application_never_says_the_person_holds_a_job_without_a_title(case_factory):
    first = text_of(case_factory(procedure_kind="first_application", title_expires_on=None))
    assert "son accès à un emploi en dépend" in first
    assert "conserver à son service" not in first
    renewal = text_of(case_factory(family_name="Benali"))
    assert "conserver à son service" in renewal


@pytest.mark.django_db
def test_each_condition_of_l521_3_is_argued_including_the_absence_of_serious_dispute(
    case_factory,
):
    text = text_of(case_factory())
    assert "ne se heurte, par ailleurs, à aucune contestation sérieuse" in text
    assert "article R. 431-3 du code de l'entrée et du séjour" in text
    for condition in ("Sur l'urgence", "Sur l'utilité", "Sur l'absence d'obstacle"):
        assert condition in text


@pytest.mark.django_db
def test_a_renewal_begun_before_the_r431_5_window_does_not_say_it_began_inside(case_factory):
    case = case_factory(title_expires_on=datetime.date(2026, 11, 5))  # window opens 5 September
    text = text_of(case)
    assert "a engagé ses démarches dès le 1er septembre 2026 et les a poursuivies" in text
    assert "a entrepris ses démarches dans les deux mois" not in text
    assert "sa première démarche dans ce délai date du 9 septembre 2026" in text


@pytest.mark.django_db
def test_the_conclusions_of_a_booking_renewal_ask_for_the_recepisse_without_a_hypothesis(
    renewal_case,
):
    conclusions = text_of(renewal_case).split("PAR CES MOTIFS")[1]
    assert "à titre subsidiaire" in conclusions and "récépissé prévu par" in conclusions
    assert "si sa demande relève du téléservice" not in conclusions


@pytest.mark.django_db
def test_the_anef_requete_argues_the_absence_of_serious_dispute_from_r431_2(personas, tmp_path):
    case = import_case(load_file(student_case(tmp_path)), personas.group)
    text = normalised(draft_document(case, "requete", date="2026-12-03").text)
    assert "par ailleurs, à aucune contestation sérieuse : le troisième alinéa" in text
    assert "solution de substitution permette l'enregistrement de la demande" in text


@pytest.mark.django_db
def test_a_single_capture_is_not_called_a_homogeneous_series(case_factory):
    case = case_factory(attempts=[*ATTEMPTS, (paris(2026, 11, 4, 9, 20), "online", "no_slot", "")])
    labels = [e.label for e in exhibits_for(case) if e.kind == "screenshots"]
    november = next(label for label in labels if "novembre 2026" in label)
    assert november.startswith("Capture d'écran de la prise de rendez-vous en ligne, novembre")
    assert "série homogène" not in november
    september = next(label for label in labels if "septembre 2026" in label)
    assert september.startswith("Captures d'écran") and september.endswith("série homogène")


@pytest.mark.django_db
def test_the_substitute_route_letter_states_no_prefecture_rule_it_cannot_source(case_factory):
    # The volunteer chose the téléservice for this case; no list and no page establish it.
    case = case_factory(procedure_kind="first_application", title_expires_on=None, channel="anef")
    text = text_of(case, "substitution")
    assert "comme l'indique votre page internet" not in text
    assert "J'ai entrepris de présenter cette demande au moyen du téléservice" in text


@pytest.mark.django_db
def test_without_a_civility_a_name_beginning_with_a_vowel_is_elided(case_factory):
    case = case_factory(procedure_kind="first_application", title_expires_on=None)
    case.person.given_names, case.person.gender = "Awa", ""
    case.person.family_name = "Ouattara"
    case.person.save()
    text = text_of(case, gender="x")
    assert "la demande d'Awa OUATTARA" in text and "suppose qu'Awa OUATTARA" in text
    assert "de Awa" not in text and "que Awa" not in text


@pytest.mark.django_db
def test_without_its_notification_date_the_execution_request_guesses_no_expiry(renewal_case):
    draft = draft_document(
        renewal_case,
        "execution",
        date="2026-12-03",
        ordonnance_date="2026-11-10",
        ordonnance_number="2612999",
        deadline_days="8",
    )
    text = normalised(draft.text)
    assert "18 novembre 2026" not in text  # 10 November + 8 days: the notification may be later
    assert "date de notification de l'ordonnance" in draft.missing
    notified = normalised(
        draft_document(
            renewal_case,
            "execution",
            date="2026-12-03",
            ordonnance_date="2026-11-10",
            ordonnance_number="2612999",
            deadline_days="8",
            notified_on="2026-11-12",
        ).text
    )
    assert "Le délai qu'elle a fixé a expiré le 20 novembre 2026." in notified


@pytest.mark.django_db
def test_no_requete_for_an_appointment_when_the_prefect_prescribed_a_postal_filing(case_factory):
    case = case_factory(channel="post", channel_note="La page de la préfecture : envoi postal")
    with pytest.raises(DocumentError) as refused:
        draft_document(case, "requete", **OPTIONS)
    message = str(refused.value)
    assert "voie postale" in message and "aucun rendez-vous" in message
    assert "article R. 432-2" in message


@pytest.mark.django_db
def test_a_form_channel_is_described_as_a_form_not_as_a_booking_module(case_factory):
    case = case_factory(channel="form", channel_note="démarches-simplifiées")
    add_document(case, "channel", "", pdf_document("Formulaire"), "page.pdf")
    text = text_of(case)
    assert "qu'à l'issue d'une demande présentée au moyen d'un formulaire en ligne" in text
    assert "module de prise de rendez-vous en ligne" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["email", "letter"])
def test_the_letter_to_the_prefecture_recalls_the_visit_to_its_counter(renewal_case, kind):
    earlier = text_of(renewal_case, kind).split("à vos services à ce sujet")[1]
    assert "le samedi 3 octobre 2026 à 10 h 30 : présentation au guichet" in earlier


@pytest.mark.django_db
def test_an_opinion_is_cited_as_an_opinion_and_the_astreinte_runs_until_execution(renewal_case):
    text = text_of(renewal_case)
    assert "Le Conseil d'État a précisé qu'il incombe" in text
    assert "Conseil d'État juge qu'il incombe" not in text
    assert "ainsi que le juge le Conseil d'État" not in text
    execution = text_of(
        renewal_case,
        "execution",
        date="2026-12-03",
        ordonnance_date="2026-11-10",
        ordonnance_number="2612999",
        deadline_days="8",
        notified_on="2026-11-12",
    )
    assert (
        "à défaut d'exécution dans ce délai, une astreinte de 100 € par jour de retard jusqu'à "
        "la date à laquelle l'ordonnance aura reçu exécution" in execution
    )


@pytest.mark.django_db
def test_a_new_requete_while_an_injunction_awaits_execution_points_to_the_execution_request(
    renewal_case,
):
    CourtEvent.objects.create(
        case=renewal_case,
        kind=CourtEvent.Kind.INJUNCTION,
        occurred_on=datetime.date(2026, 10, 5),
        notified_on=datetime.date(2026, 10, 6),
        deadline_days=8,
    )
    warnings = " ".join(draft_document(renewal_case, "requete", **OPTIONS).warnings)
    assert "Une ordonnance du 5 octobre 2026 a déjà enjoint au préfet" in warnings
    assert "article L. 911-4 du code de justice administrative" in warnings


@pytest.mark.django_db
def test_an_astreinte_the_order_pronounced_is_liquidated_not_pronounced_again(renewal_case):
    CourtEvent.objects.create(
        case=renewal_case,
        kind=CourtEvent.Kind.INJUNCTION,
        occurred_on=datetime.date(2026, 11, 10),
        notified_on=datetime.date(2026, 11, 12),
        deadline_days=8,
        astreinte=150,
        court_number="2612345",
    )
    draft = draft_document(renewal_case, "execution", date="2026-12-03")
    text = normalised(draft.text)
    assert "Elle a assorti cette injonction d'une astreinte de 150 € par jour de retard." in text
    assert "de procéder à la liquidation de l'astreinte de 150 € par jour de retard" in text
    assert "article L. 911-7 du code de justice administrative" in text
    assert "de prononcer à l'encontre de l'État" not in text
    assert not any("L. 911-7" in warning for warning in draft.warnings)  # read on 2026-12-03


@pytest.mark.django_db
def test_a_requete_without_the_persons_gender_warns_that_the_agreements_are_neutral(
    renewal_case,
):
    unknown = draft_document(renewal_case, "requete", date=DOCUMENT_DATE)
    assert any("Genre de la personne non indiqué" in w for w in unknown.warnings)
    known = draft_document(renewal_case, "requete", **OPTIONS)
    assert not any("Genre de la personne" in w for w in known.warnings)
