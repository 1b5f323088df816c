import ast
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from creneau.catalog.legal import (
    STATUSES,
    UnknownReferenceError,
    all_references,
    citation,
    citations,
)
from creneau.documents.usage import (
    keys_in_template,
    kinds_citing,
    python_sources,
    template_sources,
    without_comments,
)

# What a hand-written citation looks like: an article number or a decision number.
_CITATION = re.compile(r"\b[LRD]\.?\s?\d{3}(?:-\d+)+|\bn°\s?\d{5,6}\b|\b441-7\b")
# Modules that print text to people must cite the law through the references file too.
_CITING_MODULES = (
    "assessment/rules",
    "assessment/route",
    "court/followups",
    "court/instructions",
    "documents/requete",
    "documents/execution",
    "documents/lawyer",
)


def test_every_key_a_template_cites_is_in_the_references_file():
    cited = set().union(*(keys_in_template(s) for s in template_sources().values()))
    assert cited <= set(all_references())


def test_every_reference_in_the_file_is_used_somewhere():
    assert set(all_references()) == set(kinds_citing())


@pytest.mark.parametrize("name", sorted(template_sources()))
def test_templates_cite_the_law_only_through_the_references_file(name):
    source = without_comments(template_sources()[name])
    assert _CITATION.findall(source) == []


def _printed_strings(source: str) -> list[str]:
    """String literals of a module, docstrings aside (they may name the law they follow)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize("name", _CITING_MODULES)
def test_modules_cite_the_law_only_through_the_references_file(name):
    strings = _printed_strings(python_sources()[name])
    assert [s for s in strings if _CITATION.search(s)] == []


def test_unverified_facts_stay_marked_and_every_check_names_its_source():
    references = all_references()
    assert {ref.status for ref in references.values()} <= STATUSES
    for ref in references.values():
        assert ref.source, ref.key
        if ref.verified_on:
            assert "lu" in ref.source or "relevée" in ref.source, ref.key
    # Read in no stored page: they stay « à vérifier » until a jurist checks them.
    assert references["ta_cergy_2010725"].verified_on is None
    assert references["ceseda_r432_2"].verified_on is None


def test_an_unknown_key_is_an_error_not_an_empty_citation():
    assert citation("cja_l521_3") == "article L. 521-3 du code de justice administrative"
    with pytest.raises(UnknownReferenceError):
        citation("cja_l521_33")


def test_articles_of_one_code_are_cited_together_and_the_code_named_once():
    assert citations(["cja_l911_1", "cja_l911_3"]) == (
        "articles L. 911-1 et L. 911-3 du code de justice administrative"
    )
    assert citations(["cja_r411_3", "cja_r412_2", "ce_435594"]) == (
        "articles R. 411-3 et R. 412-2 du code de justice administrative et "
        "CE, 10 juin 2020, n° 435594"
    )


def test_a_jurist_overrides_a_row_without_touching_code(settings, tmp_path: Path):
    source = Path(__file__).parents[2] / "creneau/catalog/data/legal_references.csv"
    header, *rows = source.read_text(encoding="utf-8").splitlines()
    row = next(r for r in rows if r.startswith("ceseda_r432_2,"))
    override = tmp_path / "refs.csv"
    override.write_text(f"{header}\n{row.removesuffix(',')},2027-01-05\n", encoding="utf-8")
    settings.LEGAL_REFERENCES_FILE = str(override)
    assert str(all_references()["ceseda_r432_2"].verified_on) == "2027-01-05"


def test_the_command_lists_the_references_a_jurist_must_still_check(capsys):
    call_command("legal_references", "--unverified")
    out = capsys.readouterr().out
    assert "ceseda_r432_2" in out
    assert "À VÉRIFIER" in out
    assert "requete" in out
    assert "cja_l521_3" not in out and "cja_l911_3" not in out  # checked on 2026-12-03
