import pytest

from creneau.documents.checks import placeholders_in, stale_references_in


@pytest.mark.parametrize(
    "text",
    [
        "Adresse : {{ prefecture.address }}",
        "{% if x %}",
        "Nom : [à compléter]",
        "Adresse : [adresse de la préfecture à compléter]",
        "[[nom]]",
        "Né le <date de naissance>",
        "Lieu : __PLACE__",
        "TODO relire",
        "XXX",
        "Lieu de naissance : None",
        "numéro : null",
        "{{ MISSING person.nam }}",
    ],
)
def test_it_finds_every_kind_of_placeholder(text):
    assert placeholders_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nom : ............................................",
        "Fait à Saint-Denis, le 1er octobre 2026",
        "Pièce n° 3 : Captures d'écran (2 tentatives, du 1er au 8 septembre 2026)",
        "Nonette, Nonancourt et Annonay ne sont pas des valeurs manquantes",
    ],
)
def test_dotted_lines_and_ordinary_text_are_not_placeholders(text):
    assert placeholders_in(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "R.311-1",
        "R. 311-1",
        "R 311-1",
        "R.311 - 1",
        "R.\u00a0311-1",
        "R. 311\u20111",
        "R. 311–1",
        "L.511-1",
        "L. 511-1",
        "L511-1",
        "article L. 511‑1 du CESEDA",
        "article R. 921-1 du code de justice administrative",
    ],
)
def test_it_finds_the_stale_ceseda_references_in_any_spelling(text):
    assert stale_references_in(text)


@pytest.mark.parametrize(
    "text",
    ["R. 311-12", "L. 611-1", "R. 431-3", "L. 521-3", "AR.311-1X", "CR. 511-10", "R. 921-1-1"],
)
def test_current_references_are_not_taken_for_stale_ones(text):
    assert stale_references_in(text) == []
