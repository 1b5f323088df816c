import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> int:
    try:
        call_command(*args)
    except CommandError as error:
        return error.returncode
    return 0


@pytest.mark.django_db
def test_bundle_then_verify_from_the_command_line(imported_case, tsa_on, tmp_path, capsys):
    out = tmp_path / "bundle"
    assert run("bundle", imported_case.reference, "--out", str(out), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exhibits"][0]["files"] == ["01_Copie_d_une_piece_d_identite_Aminata_DIALLO.pdf"]
    assert run("verify", str(out), "--json") == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    (out / "depot" / report["exhibits"][2]["files"][0]).unlink()
    (out / "depot" / "99_Intrus.pdf").write_bytes(b"%PDF-1.4")
    assert run("verify", str(out), "--json") == 1
    codes = {p["code"] for p in json.loads(capsys.readouterr().out)["problems"]}
    assert {"file_missing", "inventory_file_missing", "not_in_inventory"} <= codes


@pytest.mark.django_db
def test_bundle_refuses_an_unknown_case_and_an_unexecuted_oqtf(imported_case, tmp_path, capsys):
    assert run("bundle", "NOPE2345", "--out", str(tmp_path / "a")) == 1
    imported_case.unexecuted_oqtf = True
    imported_case.save()
    with pytest.raises(CommandError, match="pas la bonne voie") as refused:
        call_command("bundle", imported_case.reference, "--out", str(tmp_path / "b"))
    assert refused.value.returncode == 1
