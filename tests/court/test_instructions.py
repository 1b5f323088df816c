from creneau.court.instructions import Filing, as_text, sections


def filing(**overrides):
    fields = {
        "person": "d'Amina BENALI",
        "tribunal": "Tribunal administratif de Montreuil",
        "address": "206 rue de Paris, 93100 Montreuil",
        "address_verified": False,
        "exhibits": 12,
        "files": 12,
        "warnings": [],
    }
    return Filing(**(fields | overrides))


def test_paper_filing_asks_for_the_original_and_one_copy_citing_the_checked_articles():
    text = as_text(sections(filing()), "Déposer la requête d'Amina BENALI")
    assert "en un exemplaire" not in text
    assert "en deux exemplaires : l'original et une copie" in text
    assert "article R. 411-3 du code de justice administrative, vérifié le 03/12/2026" in text
    assert "article R. 412-2 du code de justice administrative, vérifié le 03/12/2026" in text
    assert "« RÉFÉRÉ »" in text and "article R. 522-3" in text


def test_an_unverified_tribunal_address_is_printed_as_to_check():
    text = as_text(sections(filing()), "t")
    assert "206 rue de Paris, 93100 Montreuil (adresse à vérifier sur le site du tribunal)" in text
    checked = as_text(sections(filing(address_verified=True)), "t")
    assert "à vérifier sur le site du tribunal" not in checked


def test_provisional_legal_aid_is_explained_plainly():
    text = as_text(sections(filing()), "t")
    assert "à titre provisoire, sans attendre la décision du bureau d'aide juridictionnelle" in text
    assert "article 20 de la loi n° 91-647" in text


def test_the_name_is_elided_after_de():
    assert "Requête en référé mesures utiles d'Amina BENALI" in as_text(sections(filing()), "t")
