"""``creneau classify --evaluate DIR``: the classifier against a person's reading of a folder.

The project's own corpus runs here, so CI fails on any false ``no_slot`` and on agreement below
95 %, with and without the final URL. Not marked ``django_db``: the command has no side effects.
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

CORPUS = Path(__file__).parent / "corpus"
AGREEMENT = 0.95
NO_SLOT_PAGE = (
    "<form id='FormBookingCreate'>Il n'existe plus de plage horaire libre pour votre demande de "
    "rendez-vous. Veuillez recommencer ultérieurement.</form>"
)


def evaluate(folder: Path, *args: str) -> str:
    out = StringIO()
    call_command("classify", "--evaluate", str(folder), *args, stdout=out)
    return out.getvalue()


def test_the_projects_corpus_has_no_false_no_slot_and_agrees_with_its_labels():
    report = json.loads(evaluate(CORPUS, "--json"))
    assert report["false_no_slot"] == []
    assert report["with_url"]["pages"] >= 100
    assert report["with_url"]["agreement"] >= AGREEMENT, report["with_url"]["disagreements"]
    assert report["without_url"]["agreement"] >= AGREEMENT, report["without_url"]["disagreements"]


def labelled(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """A folder of pages and their labels: (file, expected, url, html)."""
    lines = ["file,expected,url"]
    for name, expected, url, html in rows:
        (tmp_path / name).write_text(html, encoding="utf-8")
        lines.append(f"{name},{expected},{url}")
    (tmp_path / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_a_false_no_slot_is_listed_first_and_fails_the_command(tmp_path):
    folder = labelled(
        tmp_path,
        [
            ("a_slots.html", "slots_available", "", "<button>09:15</button>"),
            ("b_person_read_unknown.html", "unknown", "", NO_SLOT_PAGE),
            ("c_no_slot.html", "no_slot", "", NO_SLOT_PAGE),
        ],
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 faux « no_slot »") as error:
        call_command("classify", "--evaluate", str(folder), "--json", stdout=out)
    assert error.value.returncode == 1
    report = json.loads(out.getvalue())
    assert [r["file"] for r in report["false_no_slot"]] == ["b_person_read_unknown.html"]
    assert report["with_url"]["disagreements"][0]["file"] == "b_person_read_unknown.html"
    assert report["with_url"]["confusion"]["unknown"] == {"no_slot": 1}
    assert report["without_url"] is None  # no label gives a URL


def test_each_page_is_read_with_and_without_its_final_url(tmp_path):
    url = "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/creneau/"
    folder = labelled(tmp_path, [("p.html", "no_slot", url, "<h2>Aucun créneau disponible</h2>")])
    report = json.loads(evaluate(folder, "--json"))
    assert report["with_url"]["agreement"] == 1.0
    assert report["without_url"]["disagreements"][0]["got"] == "unknown"
    assert report["false_no_slot"] == []


def test_the_text_report_shows_the_confusion_table_and_the_agreement(tmp_path):
    folder = labelled(tmp_path, [("c.html", "no_slot", "", NO_SLOT_PAGE)])
    text = evaluate(folder)
    assert "Faux « no_slot » : 0" in text
    assert "Accord avec l'adresse finale : 1/1 (100.0 %)" in text
    assert "attendu \\ obtenu" in text


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (None, "no labels.csv"),
        ("file,outcome\nx.html,no_slot\n", "needs the columns file,expected"),
        ("file,expected\nx.html,nothing\n", "is not one of"),
        ("file,expected\nmissing.html,no_slot\n", "file not found"),
    ],
)
def test_a_folder_it_cannot_evaluate_is_refused_with_exit_code_1(tmp_path, labels, message):
    if labels is not None:
        (tmp_path / "labels.csv").write_text(labels, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as error:
        evaluate(tmp_path)
    assert error.value.returncode == 1


def test_evaluate_takes_no_page_besides_its_folder():
    with pytest.raises(CommandError) as error:
        call_command("classify", "page.html", "--evaluate", str(CORPUS), stdout=StringIO())
    assert error.value.returncode == 2
