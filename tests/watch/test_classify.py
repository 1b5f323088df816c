"""The classifier against the labelled corpus, plus targeted cases the corpus cannot carry."""

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from creneau.watch.classify import NO_SLOT, OUTCOMES, classify

CORPUS = Path(__file__).parent / "corpus"
LEGACY_NO_SLOT = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)
RDV_PREF_URL = (
    "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/4409/creneau/"
)


@dataclass(frozen=True)
class Label:
    file: str
    outcome: str
    system: str
    status: int | None
    url: str
    dialogs: tuple[str, ...]
    note: str


def read_labels() -> list[Label]:
    with (CORPUS / "labels.csv").open(encoding="utf-8", newline="") as handle:
        return [
            Label(
                file=row["file"],
                outcome=row["expected"],
                system=row["system"],
                status=int(row["status"]) if row["status"] else None,
                url=row["url"],
                dialogs=tuple(d.strip() for d in row["dialogs"].split(" | ") if d.strip()),
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        ]


LABELS = read_labels()


def classify_label(label: Label):
    html = (CORPUS / label.file).read_text(encoding="utf-8")
    return classify(html, status=label.status, final_url=label.url, dialogs=label.dialogs)


def test_the_corpus_covers_every_outcome_and_system_with_enough_pages():
    assert len(LABELS) >= 40
    assert {label.outcome for label in LABELS} == set(OUTCOMES)
    systems = {label.system for label in LABELS}
    expected = {"legacy", "rdv_prefecture", "eappointment", "rdv_service_public"}
    assert expected | {"demarches_simplifiees", "generic"} <= systems
    assert {path.name for path in CORPUS.glob("*.html")} == {label.file for label in LABELS}


@pytest.mark.parametrize("label", LABELS, ids=[label.file for label in LABELS])
def test_it_classifies_each_corpus_page_as_labelled(label):
    result = classify_label(label)
    assert (result.outcome, result.system) == (label.outcome, label.system), label.note


@pytest.mark.parametrize(
    "label",
    [label for label in LABELS if label.outcome != NO_SLOT],
    ids=[label.file for label in LABELS if label.outcome != NO_SLOT],
)
def test_it_never_says_no_slot_for_a_page_labelled_otherwise(label):
    assert classify_label(label).outcome != NO_SLOT


@pytest.mark.parametrize(
    "label",
    [label for label in LABELS if label.outcome == NO_SLOT],
    ids=[label.file for label in LABELS if label.outcome == NO_SLOT],
)
def test_it_reports_the_visible_text_that_decided_a_no_slot(label):
    result = classify_label(label)
    assert result.matched
    assert not result.needs_review
    assert result.slots == ()


# --- targeted behaviours ----------------------------------------------------------------------

LEGACY_FORM = "<form id='FormBookingCreate' name='create'>{}</form>"


def test_a_phrase_missing_from_the_browsers_inner_text_does_not_count():
    page = LEGACY_FORM.format(LEGACY_NO_SLOT)
    assert classify(page, visible_text=LEGACY_NO_SLOT.upper()).outcome == NO_SLOT
    hidden_by_css = classify(page, visible_text="Terminer")
    assert (hidden_by_css.outcome, hidden_by_css.needs_review) == ("unknown", True)


def test_a_dialog_counts_as_seen_even_though_inner_text_lacks_it():
    result = classify(
        "<form action='/eAppointmentpref94/appointment.do'></form>",
        dialogs=["Il n'y a pas de rendez-vous disponible pour ce service."],
        visible_text="",
    )
    assert (result.outcome, result.system) == (NO_SLOT, "eappointment")


def test_a_no_slot_sentence_beside_hidden_slot_links_needs_review():
    page = LEGACY_FORM.format(
        LEGACY_NO_SLOT + "<div hidden><a href='/booking/create/1/5/1780992000'>09:00</a></div>"
    )
    result = classify(page)
    assert (result.outcome, result.needs_review) == ("unknown", True)
    assert result.matched.startswith("Il n'existe plus")


def test_a_non_empty_first_availability_in_the_page_data_prevents_no_slot():
    page = (
        '<script>var etat = {"critere": {"datePremiereDispo": "2026-06-10"}};</script>'
        "<h2>Aucun créneau disponible</h2>"
    )
    assert classify(page, final_url=RDV_PREF_URL).outcome == "unknown"
    assert classify(page.replace("2026-06-10", ""), final_url=RDV_PREF_URL).outcome == NO_SLOT


def test_a_known_sentence_on_a_page_of_no_known_system_needs_review():
    page = f"<article><p>{LEGACY_NO_SLOT}</p><p>Voilà ce que lit Amina chaque matin.</p></article>"
    result = classify(page, final_url="https://www.example.org/societe/article")
    assert (result.outcome, result.system, result.needs_review) == ("unknown", "", True)
    assert result.matched.startswith("Il n'existe plus")
    on_the_module = classify(page, final_url="https://www.val-doise.gouv.fr/booking/create/1/2")
    assert on_the_module.outcome == NO_SLOT


def test_a_short_label_counts_only_on_its_own_system():
    page = "<h2>Aucun créneau disponible</h2>"
    assert classify(page, final_url=RDV_PREF_URL).outcome == NO_SLOT
    assert classify(page).outcome == "unknown"
    assert classify(page, final_url="https://rdv.anct.gouv.fr/prendre_rdv").outcome == "unknown"


def test_a_sentence_inside_a_longer_sentence_is_not_a_statement():
    for text in (
        "Si aucun créneau disponible ne s'affiche, revenez demain.",
        "Le site affiche « Aucun créneau disponible » depuis des semaines.",
        "Vous verrez peut-être le message suivant :<br>Aucun créneau disponible",
    ):
        assert classify(f"<p>{text}</p>", final_url=RDV_PREF_URL).outcome != NO_SLOT, text


def test_errors_come_before_everything_else():
    page = LEGACY_FORM.format(LEGACY_NO_SLOT)
    for status in (403, 404, 429, 500, 502, 503, 504):
        assert classify(page, status=status).outcome == "error"
    assert classify(page, final_url="chrome-error://chromewebdata/").outcome == "error"
    assert classify(page, dialogs=["Une erreur technique est survenue."]).outcome == "error"


def test_a_captcha_gate_before_availability_is_captcha_but_not_on_a_held_legacy_slot():
    gate = "<form action='/rdvpref/x/'><div class='g-recaptcha'></div></form>"
    assert classify(gate).outcome == "captcha"
    held = LEGACY_FORM.format("<div class='g-recaptcha'></div>")
    assert classify(held).outcome == "slots_available"
    invisible = "<form action='/rdvpref/x/'><div class='g-recaptcha' data-size='invisible'></div>"
    assert classify(invisible).outcome == "unknown"


def test_cloudflare_scripts_injected_into_an_ordinary_page_do_not_make_it_a_challenge():
    page = (
        "<h2>Aucun créneau disponible</h2>"
        "<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script>"
    )
    assert classify(page, final_url=RDV_PREF_URL).outcome == NO_SLOT


def test_it_survives_broken_markup():
    for page in ("<div hidden/>", "<p><b>Aucun</p>", "</div></div><", "<!--", "<script>", "&#;"):
        assert classify(page).outcome == "unknown"


def test_slot_buttons_may_add_words_after_their_time():
    page = (
        "<h3>lundi</h3><p>Aucun créneau disponible</p>"
        "<h3>mardi</h3><button>09:30 - guichet 2</button>"
    )
    result = classify(page, final_url=RDV_PREF_URL)
    assert (result.outcome, result.slots) == ("slots_available", ("09:30 - guichet 2",))
    # Monday's statement speaks for Monday only: Tuesday says nothing, so nothing is proven.
    disabled = classify(page.replace("<button>", "<button disabled>"), final_url=RDV_PREF_URL)
    assert (disabled.outcome, disabled.needs_review) == ("unknown", True)
