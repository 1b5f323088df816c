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
                outcome=row["outcome"],
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
