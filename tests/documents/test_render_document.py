import email
import io
from email import policy

import docx
import pikepdf
import pytest

from creneau.documents.checks import placeholders_in, stale_references_in
from creneau.documents.french import french_datetime
from creneau.documents.generate import DocumentError, draft_document, render_document
from creneau.documents.kinds import KINDS
from tests.court.conftest import add_document, pdf_document

from .conftest import ATTEMPTS, DOCUMENT_DATE
from .textual import normalised, text_of_docx, text_of_pdf

EXECUTION = {"ordonnance_date": "2026-10-10", "ordonnance_number": "2612345"}
OPTIONS = {kind: {"date": DOCUMENT_DATE, "gender": "f"} for kind in KINDS}
OPTIONS["execution"] |= EXECUTION
LISTED = [at for at, channel, outcome, _ in ATTEMPTS if (channel, outcome) != ("online", "captcha")]
ONLINE = [
    at for at, channel, outcome, _ in ATTEMPTS if channel == "online" and outcome != "captcha"
]


def texts(document):
    return normalised(text_of_pdf(document.pdf)), normalised(text_of_docx(document.docx))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_prints_the_same_complete_text_in_the_pdf_and_the_docx(renewal_case, kind):
    if KINDS[kind].anef_only:  # the contact centre's message, the substitute route request
        renewal_case.channel = "anef"
        renewal_case.save()
    document = render_document(renewal_case, kind, **OPTIONS[kind])
    pdf_text, docx_text = texts(document)
    assert pdf_text == docx_text
    assert normalised(document.text) == docx_text
    assert "Aminata DIALLO" in pdf_text
    assert placeholders_in(pdf_text) == []
    assert stale_references_in(pdf_text) == []
    with pikepdf.open(io.BytesIO(document.pdf)) as pdf:
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "3"
        assert metadata["pdfaid:conformance"] == "B"
        assert str(pdf.Root.Lang) == "fr"
    assert docx.Document(io.BytesIO(document.docx)).core_properties.language == "fr-FR"


@pytest.mark.django_db
def test_the_requete_names_the_competent_tribunal_and_dates_every_attempt_with_its_exhibit(
    renewal_case,
):
    document = render_document(renewal_case, "requete", **OPTIONS["requete"])
    pdf_text, _ = texts(document)
    assert "Tribunal administratif de Montreuil" in pdf_text
    assert "Madame la présidente ou Monsieur le président" in pdf_text
    assert "préfet de la Seine-Saint-Denis" in pdf_text
    assert "Non représentée par un avocat" in pdf_text
    for moment in LISTED:
        assert normalised(french_datetime(moment)) in pdf_text
    assert "mardi 1er septembre 2026 à 9 h 12" in pdf_text
    # September's screenshots, after identity, title, address and the booking rule.
    assert "(démarche déclarée avec fichier joint ; pièce n° 5)" in pdf_text
    assert "Pièce n° 5 : Captures d'écran de la prise de rendez-vous en ligne, septembre 2026" in (
        pdf_text
    )
    assert "vérification anti-robot" not in pdf_text  # a captcha proves nothing


@pytest.mark.django_db
def test_the_requete_argues_urgency_for_a_renewal_without_claiming_it_is_certain(renewal_case):
    add_document(renewal_case, "residence_title", "", pdf_document("Titre"), "titre.pdf")
    text = normalised(draft_document(renewal_case, "requete", **OPTIONS["requete"]).text)
    assert "CE, 9 juin 2022, n° 453391" in text
    assert "son titre de séjour a expiré le 12 octobre 2026 (pièce n° 2)" in text
    assert "CE, 10 juin 2020, n° 435594" in text
    assert "article L. 8251-1 du code du travail" in text  # why the job is at stake
    assert "La condition d'urgence est, par suite, remplie." in text
    assert "ce qu'il appartient au juge" not in text  # no hedge


@pytest.mark.django_db
def test_the_conclusions_follow_the_options(renewal_case):
    options = OPTIONS["requete"] | {
        "communicate_within": "5",
        "appointment_within": "10",
        "astreinte": "0",
        "costs": "800",
        "legal_aid": "oui",
    }
    text = normalised(draft_document(renewal_case, "requete", **options).text)
    assert "dans un délai de 5 jours" in text
    assert "dans un délai de 10 jours" in text
    assert "astreinte" not in text.split("PAR CES MOTIFS")[1]
    assert "800 € au titre de l'article L. 761-1 du code de justice administrative" in text
    assert "aide juridictionnelle" in text


@pytest.mark.django_db
def test_the_default_conclusions_ask_8_and_15_days_and_100_euros_a_day(renewal_case):
    text = normalised(draft_document(renewal_case, "requete", **OPTIONS["requete"]).text)
    assert "dans un délai de 8 jours" in text
    assert "dans un délai de 15 jours" in text
    assert "astreinte de 100 € par jour de retard" in text
    assert "L. 761-1" not in text


@pytest.mark.django_db
def test_a_first_application_leaves_the_particular_circumstances_to_write_by_hand(case_factory):
    case = case_factory(procedure_kind="first_application", title_expires_on=None, employment=False)
    document = draft_document(case, "requete", undocumented="oui", **OPTIONS["requete"])
    text = normalised(document.text)
    assert "circonstances particulières" in text
    assert "article L. 611-1 du code de l'entrée et du séjour" in text
    assert "circonstances particulières justifiant l'urgence" in document.missing
    assert "........" in text


@pytest.mark.django_db
def test_in_paris_the_requete_is_against_the_prefet_de_police_before_the_paris_tribunal(
    case_factory,
):
    case = case_factory(department="75")
    case.person.address = "8 rue de la Roquette\n75011 Paris"
    case.person.save()
    text = normalised(draft_document(case, "requete", **OPTIONS["requete"]).text)
    assert "enjoindre au préfet de police" in text
    assert "Tribunal administratif de Paris" in text
    assert "qui réside à Paris" in text


@pytest.mark.django_db
def test_the_case_attempts_written_by_the_particular_circumstances_appear(case_factory):
    case = case_factory(particular_circumstances="Elle doit commencer un stage obligatoire.")
    text = normalised(draft_document(case, "requete", **OPTIONS["requete"]).text)
    assert "Elle doit commencer un stage obligatoire." in text


@pytest.mark.django_db
def test_an_unknown_prefecture_address_is_a_dotted_line_to_fill_by_hand(renewal_case):
    document = draft_document(renewal_case, "letter", **OPTIONS["letter"])
    text = normalised(document.text)
    assert "Lettre recommandée avec accusé de réception" in text
    assert "Service des étrangers ..........." in text
    assert "Adresse postale de la préfecture à recopier" in text
    assert "adresse postale de la préfecture" in document.missing
    assert placeholders_in(text) == []


@pytest.mark.django_db
def test_the_email_lists_every_online_attempt_and_identifies_the_person(renewal_case):
    text = normalised(draft_document(renewal_case, "email", **OPTIONS["email"]).text)
    for moment in ONLINE:
        assert normalised(french_datetime(moment)) in text
    for fact in (
        "Bamako (Mali)",
        "malienne",
        "2 avril 1990",
        "aminata.diallo@example.org",
        "93200 Saint-Denis",
        "carte de séjour temporaire (salarié)",
    ):
        assert fact in text
    assert "Numéro étranger" not in text  # unknown, so not printed


@pytest.mark.django_db
def test_the_eml_is_a_complete_unsent_message_with_the_pdf_attached(renewal_case, settings):
    settings.DEFAULT_FROM_EMAIL = "groupe@cimade93.example"
    site = renewal_case.department.sites.first()
    site.foreigners_email = "pref-etrangers@seine-saint-denis.gouv.fr"
    site.save()
    document = render_document(renewal_case, "email", **OPTIONS["email"])
    message = email.message_from_bytes(document.eml, policy=policy.default)
    assert message["From"] == "groupe@cimade93.example"
    assert message["To"] == "pref-etrangers@seine-saint-denis.gouv.fr"
    assert message["Reply-To"] == "aminata.diallo@example.org"
    assert "renouvellement" in message["Subject"]
    assert message["Date"] and message["Message-ID"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert normalised(body) == normalised(document.text)
    attachments = list(message.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    assert attachments[0].get_content() == document.pdf


@pytest.mark.django_db
def test_the_attestation_leaves_the_witness_identity_blank_and_warns_of_penalties(renewal_case):
    document = draft_document(renewal_case, "attestation", **OPTIONS["attestation"])
    text = normalised(document.text)
    assert "nom : ......." in text
    assert "samedi 3 octobre 2026 à 10 h 30" in text
    assert "guichet de la préfecture de la Seine-Saint-Denis" in text
    # The person's own note is never the witness's testimony.
    assert "aucun rendez-vous n'est donné au guichet" not in text
    assert "de la main de son auteur" in text and "recopier" in text
    assert "établie en vue de sa production en justice" in text
    assert "article 441-7 du code pénal" in text
    assert "un an d'emprisonnement et de 15 000 euros d'amende" in text
    assert "photocopie d'un document officiel d'identité" in text
    assert "article 202 du code de procédure civile" in text


@pytest.mark.django_db
def test_an_attestation_needs_a_counter_visit(case_factory):
    case = case_factory(attempts=ATTEMPTS[:2])
    with pytest.raises(DocumentError, match="aucune présentation au guichet"):
        draft_document(case, "attestation")


@pytest.mark.django_db
def test_the_ddd_text_says_it_suspends_no_deadline(renewal_case):
    text = normalised(draft_document(renewal_case, "ddd", **OPTIONS["ddd"]).text)
    assert "ne suspend ni n'interrompt aucun délai de recours" in text
    assert "loi organique n° 2011-333" in text


@pytest.mark.django_db
def test_a_requete_with_an_unexecuted_oqtf_is_refused_unless_forced(case_factory):
    case = case_factory(unexecuted_oqtf=True)
    with pytest.raises(DocumentError, match="n'est pas la bonne voie") as refused:
        draft_document(case, "requete")
    assert "despite_oqtf=oui" in str(refused.value)
    text = normalised(draft_document(case, "requete", despite_oqtf="oui").text)
    assert "obligation de quitter le territoire français" in text
    assert "aucune décision n'ayant pu être prise" not in text
    assert "Aucune décision n'a pu être prise" not in text
    assert "ne fait obstacle à l'exécution d'aucune décision" not in text


@pytest.mark.django_db
def test_the_execution_request_cites_l911_4_and_r921_1_1_and_needs_the_ordonnance(renewal_case):
    with pytest.raises(DocumentError, match="Aucune ordonnance d'injonction"):
        draft_document(renewal_case, "execution")
    options = OPTIONS["execution"] | {"deadline_days": "8", "notified_on": "2026-10-11"}
    text = normalised(draft_document(renewal_case, "execution", **options).text)
    assert "article L. 911-4 du code de justice administrative" in text
    assert "article R. 921-1-1 du code de justice administrative" in text
    assert "sans délai" in text
    assert "Ordonnance n° 2612345 du 10 octobre 2026" in text
    assert "Le délai qu'elle a fixé a expiré le 19 octobre 2026" in text
    assert "astreinte de 100 €" in text


@pytest.mark.django_db
def test_an_execution_request_before_the_deadline_is_refused_with_its_first_day(renewal_case):
    options = OPTIONS["execution"] | {
        "date": "2026-12-03",
        "ordonnance_date": "2026-11-28",
        "notified_on": "2026-12-01",
        "deadline_days": "15",
    }
    with pytest.raises(DocumentError) as refused:
        draft_document(renewal_case, "execution", **options)
    message = normalised(str(refused.value))
    assert "jusqu'au 16 décembre 2026 inclus" in message
    assert "à partir du 17 décembre 2026" in message
    assert draft_document(renewal_case, "execution", **(options | {"date": "2026-12-17"})).text


@pytest.mark.django_db
def test_unknown_kinds_and_options_are_refused_in_french(renewal_case):
    with pytest.raises(DocumentError, match="Type de document inconnu"):
        draft_document(renewal_case, "memo")
    with pytest.raises(DocumentError, match="Option inconnue"):
        draft_document(renewal_case, "email", colour="red")
    with pytest.raises(DocumentError, match="Valeur invalide"):
        draft_document(renewal_case, "requete", astreinte="beaucoup")
