import re

import pytest
from django.core.management import call_command

from creneau.documents.references import STATUSES, UnknownReferenceError, all_references, citation
from creneau.documents.usage import kinds_citing, template_sources, without_comments

# What a hand-written citation looks like: an article number or a decision number.
_CITATION = re.compile(r"\b[LRD]\.?\s?\d{3}(?:-\d+)+|\bn°\s?\d{5,6}\b|\b441-7\b")


def test_every_key_a_template_cites_is_in_the_references_file():
    assert set(kinds_citing()) <= set(all_references())


def test_every_reference_in_the_file_is_cited_by_some_template():
    assert set(all_references()) == set(kinds_citing())


@pytest.mark.parametrize("name", sorted(template_sources()))
def test_templates_cite_the_law_only_through_the_references_file(name):
    source = without_comments(template_sources()[name])
    assert _CITATION.findall(source) == []


def test_unverified_facts_stay_marked_and_nothing_claims_a_check_that_did_not_happen():
    references = all_references()
    assert {ref.status for ref in references.values()} <= STATUSES
    assert references["code_penal_441_7"].status == "UNVERIFIED"
    assert references["loi_91_647_art20"].status == "UNVERIFIED"
    # No live Légifrance check was possible (legal.md): a jurist fills verified_on.
    assert all(ref.verified_on is None for ref in references.values())


def test_an_unknown_key_is_an_error_not_an_empty_citation():
    assert citation("cja_l521_3") == "article L. 521-3 du code de justice administrative"
    with pytest.raises(UnknownReferenceError):
        citation("cja_l521_33")


def test_the_command_lists_the_references_a_jurist_must_still_check(capsys):
    call_command("legal_references", "--unverified")
    out = capsys.readouterr().out
    assert "code_penal_441_7" in out
    assert "À VÉRIFIER" in out
    assert "attestation" in out
