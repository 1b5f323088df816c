"""``classify_text``: the conservative judge of plain text lines (a screenshot's OCR)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creneau.watch.classify import NO_SLOT, OUTCOMES, classify_text
from creneau.watch.pagetext import fold
from creneau.watch.signals import NO_SLOT as NO_SLOT_PHRASES

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RDVPREF_URL = (
    "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/4409/creneau/"
)
LEGACY_URL = "https://www.hauts-de-seine.gouv.fr/booking/create/12083/2"
RDVSP_URL = "https://rdv.anct.gouv.fr/prendre_rdv?motif_id=42"
LEGACY_SENTENCE = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)
# (sentence, the final URL of the page it belongs to)
STATEMENTS = [
    (LEGACY_SENTENCE, LEGACY_URL),
    ("Aucun créneau disponible", RDVPREF_URL),
    ("0 créneau disponible", RDVPREF_URL),
    ("Malheureusement, aucun créneau correspondant à votre recherche n'a été trouvé.", RDVSP_URL),
    ("Malheureusement, tous les créneaux sont pris.", RDVSP_URL),
]
NEUTRAL_LINES = [
    "Renouvellement de titre de séjour",
    "Préfecture de l'Essonne",
    "Étape 2 sur 4",
    "Retour",
    "Terminer",
    "Accueil des étrangers - Bobigny",
]
OFFERS = [
    "09:15",
    "9h15",
    "14 h 30",
    "mardi 12 mai 2026 10:45",
    "Choisir le créneau de 09:30",
    "Prochaine disponibilité le 12 juin",
    "Choisissez votre créneau",
    "8.30",
]
DAYS = ["Mardi 12 mai 2026", "lundi 8 juin", "Mer. 10/06"]


def test_a_known_statement_alone_on_its_system_is_no_slot():
    text = "09:41 4G 87%\nRenouvellement de titre de séjour\nAucun créneau disponible\n"
    text += "Dernière mise en ligne de rendez-vous : le 04/05/2026 à 11:58"
    result = classify_text(text, final_url=RDVPREF_URL)
    assert (result.outcome, result.system, result.matched) == (
        NO_SLOT,
        "rdv_prefecture",
        "Aucun créneau disponible",
    )


def test_the_address_bar_tells_the_system_when_no_url_is_given():
    text = "rdv-prefecture.interieur.gouv.fr\nRenouvellement\nAucun créneau disponible"
    assert classify_text(text).outcome == NO_SLOT
    assert classify_text("Renouvellement\nAucun créneau disponible").outcome == "unknown"


def test_a_lone_clock_on_the_first_line_may_be_a_slot_and_keeps_the_doubt():
    result = classify_text("09:41\nAucun créneau disponible", final_url=RDVPREF_URL)
    assert (result.outcome, result.needs_review) == ("unknown", True)


def test_errors_and_gates_are_read_from_text_too():
    assert classify_text("502 Bad Gateway\nnginx").outcome == "error"
    assert classify_text("Vous êtes dans la file d'attente").outcome == "queue"


@BOUNDED
@given(
    statement=st.sampled_from(STATEMENTS),
    before=st.lists(st.sampled_from(NEUTRAL_LINES), max_size=3),
    after=st.lists(st.sampled_from(NEUTRAL_LINES), max_size=3),
    offer=st.sampled_from(OFFERS),
    where=st.integers(min_value=0, max_value=10),
)
def test_any_offer_like_line_anywhere_keeps_a_statement_from_deciding(
    statement, before, after, offer, where
):
    sentence, url = statement
    lines = [*before, sentence, *after]
    lines.insert(where % (len(lines) + 1), offer)
    assert classify_text("\n".join(lines), final_url=url).outcome != NO_SLOT


@BOUNDED
@given(
    statement=st.sampled_from(STATEMENTS),
    day=st.sampled_from(DAYS),
    sep=st.sampled_from([" : ", "\n"]),
)
def test_a_statement_scoped_to_one_day_never_decides(statement, day, sep):
    sentence, url = statement
    assert classify_text(f"{day}{sep}{sentence}", final_url=url).outcome != NO_SLOT


@BOUNDED
@given(
    lines=st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from([s for s, _ in STATEMENTS] + NEUTRAL_LINES + OFFERS + DAYS),
        ),
        max_size=12,
    ),
    url=st.sampled_from(["", RDVPREF_URL, LEGACY_URL, RDVSP_URL]),
)
def test_random_text_never_crashes_and_says_no_slot_only_for_a_known_statement(lines, url):
    text = "\n".join(lines)
    result = classify_text(text, final_url=url)
    assert result.outcome in OUTCOMES
    if result.outcome == NO_SLOT:
        matched = fold(result.matched)
        assert any(phrase.bare.search(matched) for phrase in NO_SLOT_PHRASES), result
        assert matched in fold(text)


def test_a_screenshot_whose_every_day_is_empty_is_no_answer_since_it_may_be_cropped():
    text = "Sélectionnez un créneau :\n" + "\n".join(
        f"{day}\n{date}\nPas de créneau disponible"
        for day, date in (("lundi", "8 juin"), ("mardi", "9 juin"), ("mercredi", "10 juin"))
    )
    result = classify_text(text, final_url=RDVSP_URL)
    assert result.outcome != NO_SLOT
    assert (
        classify_text(
            "Semaine du 08/06/2026\ncomplet\ncomplet\nLégende : libre complet", final_url=LEGACY_URL
        ).outcome
        != NO_SLOT
    )


def test_an_agent_scoped_sentence_is_no_answer():
    text = (
        "Votre référent n'a pas de créneaux disponibles.\n"
        "Voulez-vous prendre rendez-vous avec un autre agent ?"
    )
    result = classify_text(text, final_url=RDVSP_URL)
    assert (result.outcome, result.needs_review) == ("unknown", False)


def test_a_legacy_no_slot_screenshot_with_its_chrome_is_no_slot():
    text = "\n".join(
        [
            "09:41 4G 87%",
            "seine-saint-denis.gouv.fr/index.php/booking/create/9845/1",
            "Préfet de la Seine-Saint-Denis",
            "Accueil des étrangers - Bobigny",
            "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous.",
            "Veuillez réessayer ultérieurement.",
            "Terminer",
        ]
    )
    result = classify_text(text)
    assert (result.outcome, result.system) == (NO_SLOT, "legacy")


RDVPREF_PHONE_LINES = [
    "RDV Préfecture",
    "Préfecture de l'Essonne",
    "Aucun créneau disponible",
    "Tous les créneaux actuellement ouverts à la réservation sont pris.",
    "Dernière mise en ligne de rendez-vous :",
    "le 06/09/2026 à 11:58 pour des créneaux",
]


def test_a_publication_date_wrapped_by_the_ocr_is_not_taken_for_a_slot():
    """GIVEN RDV Préfecture's « Dernière mise en ligne … : » wrapped onto a dated line
    WHEN the text is judged
    THEN the dated line belongs to the publication notice, and the page reads no_slot."""
    result = classify_text(
        "\n".join(RDVPREF_PHONE_LINES), final_url="https://rdv-prefecture.interieur.gouv.fr/"
    )
    assert result.outcome == NO_SLOT


def test_a_time_right_after_an_unrelated_line_still_keeps_the_doubt():
    lines = [*RDVPREF_PHONE_LINES[:4], "Prochain créneau :", "le 08/09/2026 à 09:15"]
    result = classify_text("\n".join(lines), final_url="https://rdv-prefecture.interieur.gouv.fr/")
    assert result.outcome != NO_SLOT
