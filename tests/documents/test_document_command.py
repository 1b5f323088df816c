import email
import json
from email import policy
from pathlib import Path

import pytest

from creneau.cli import main


def run(*args):
    with pytest.raises(SystemExit) as exit_info:
        main(["document", *args])
    return exit_info.value.code


@pytest.mark.django_db
def test_it_writes_the_pdf_the_docx_and_the_eml_and_prints_their_paths(
    renewal_case, tmp_path, capsys
):
    main(
        [
            "document",
            renewal_case.reference,
            "email",
            "--out",
            str(tmp_path),
            "--json",
            "--option",
            "date=2026-10-20",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert report["kind"] == "email"
    assert set(report["files"]) == {"pdf", "docx", "eml"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["email.docx", "email.eml", "email.pdf"]
    assert Path(report["files"]["pdf"]).read_bytes().startswith(b"%PDF-")
    message = email.message_from_bytes((tmp_path / "email.eml").read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("Demande de rendez-vous")


@pytest.mark.django_db
def test_it_passes_options_to_the_requete(renewal_case, tmp_path, capsys):
    main(
        [
            "document",
            renewal_case.reference.lower(),
            "requete",
            "--out",
            str(tmp_path),
            "--option",
            "astreinte=150",
            "--option",
            "gender=f",
        ]
    )
    assert (tmp_path / "requete.pdf").exists() and (tmp_path / "requete.docx").exists()
    assert not (tmp_path / "requete.eml").exists()
    assert "adresse postale de la préfecture" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_exits_1_for_an_unknown_case(personas, tmp_path, capsys):
    assert run("ZZZZZZZZ", "email", "--out", str(tmp_path)) == 1
    assert "Dossier inconnu" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("memo", [], "Type de document inconnu"),
        ("requete", ["--option", "astreinte"], "Option mal formée"),
        ("requete", ["--option", "colour=red"], "Option inconnue"),
        ("execution", [], "Aucune ordonnance d'injonction"),
    ],
)
def test_it_exits_1_with_a_french_message_for_refused_input(
    renewal_case, tmp_path, capsys, kind, options, message
):
    assert run(renewal_case.reference, kind, "--out", str(tmp_path), *options) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_an_attestation_without_a_counter_visit_is_refused_naming_what_is_missing(
    case_factory, tmp_path, capsys
):
    case = case_factory(attempts=[])
    assert run(case.reference, "attestation", "--out", str(tmp_path)) == 1
    assert "présentation au guichet" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_missing_argument_is_a_usage_error(tmp_path):
    assert run("ABC") == 2
