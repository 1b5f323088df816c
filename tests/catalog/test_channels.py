import csv
import datetime

import pytest

from creneau.catalog.channels import catalog_channel
from creneau.catalog.legal import all_references
from creneau.catalog.loader import DATA, load_catalog
from creneau.catalog.models import ProcedureChannel

pytestmark = pytest.mark.django_db


def test_a_student_title_is_lodged_on_anef_by_the_national_rule_with_its_text_and_check():
    found = catalog_channel("etudiant-premiere-demande", "69")
    assert found is not None
    assert (found.channel, found.department) == ("anef", "")
    assert found.text.startswith("arrêté du 27 avril 2021")
    assert found.status == "S" and found.verified_on is not None
    assert found.checked == "source secondaire, vérifié le 03/12/2026"


def test_a_prefecture_s_own_route_wins_over_the_national_rule_and_says_it_is_unchecked():
    essonne = catalog_channel("admission-exceptionnelle", "91")
    elsewhere = catalog_channel("admission-exceptionnelle", "93")
    assert essonne is not None and elsewhere is not None
    assert (essonne.channel, essonne.department) == ("form", "Essonne")
    assert essonne.checked.endswith("à vérifier")
    assert elsewhere.channel == "booking"


def test_a_procedure_the_catalog_does_not_describe_has_no_route():
    assert catalog_channel("naturalisation", "93") is None
    assert catalog_channel(None, "93") is None


def test_every_route_names_a_known_text_and_a_checked_row_says_where_it_was_read():
    references = all_references()
    with (DATA / "procedure_channels.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["channel"] for row in rows} <= {"booking", "anef", "post", "form"}
    for row in rows:
        assert not row["reference"] or row["reference"] in references, row
        assert row["status"] in {"V", "S", "UNVERIFIED"}
        if row["verified_on"]:
            assert "lu" in row["source"], row


def test_a_route_a_jurist_checked_later_in_the_admin_is_kept_when_the_files_load_again():
    row = ProcedureChannel.objects.get(procedure_id="admission-exceptionnelle", department="91")
    row.channel, row.verified_on = "post", datetime.date(2027, 1, 5)
    row.save()
    load_catalog()
    row.refresh_from_db()
    assert (row.channel, row.verified_on) == ("post", datetime.date(2027, 1, 5))
