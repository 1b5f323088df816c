"""An ANEF case's documents claim only what the bundle proves (issue 14 applied to issue 16).

GIVEN a student's first application blocked on ANEF, with ONE blocking documented by a
screenshot, and only declared steps besides: two contacts with the contact centre (one said to
certify the impossibility, no answer produced), a witnessed visit to the point d'accueil
numérique and a written request for the substitute route, none with a file.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from creneau.cases.models import Case
from creneau.documents.exhibits import exhibits_for
from creneau.documents.generate import draft_document
from creneau.privacy.transfer import import_case, load_file
from tests.documents.anef_cases import ERROR, screenshot

from .textual import normalised

pytestmark = pytest.mark.django_db
DATE = "2026-12-03"


def write_case(folder: Path) -> Path:
    (folder / "captures").mkdir(parents=True)
    (folder / "captures" / "erreur.png").write_bytes(screenshot(ERROR))
    attempts: list[dict[str, Any]] = [
        {"channel": "online", "at": "2026-10-05T09:10:00+02:00", "outcome": "error",
         "files": ["captures/erreur.png"], "details": {"step": "Justificatifs", "message": ERROR}},
        {"channel": "online", "at": "2026-10-19T09:10:00+02:00", "outcome": "error",
         "details": {"step": "Justificatifs", "message": ERROR}},
        {"channel": "ccc", "at": "2026-10-06T10:30:00+02:00", "outcome": "no_answer",
         "details": {"via": "phone", "ticket": "CCC-1006-1200"}},
        {"channel": "ccc", "at": "2026-10-20T16:00:00+02:00", "outcome": "answered",
         "details": {"via": "form", "ticket": "CCC-1020-3410", "certifies_impossibility": True}},
        {"channel": "pan", "at": "2026-11-03T14:00:00+01:00", "outcome": "refused",
         "details": {"site": "Préfecture du Rhône", "witnessed": True,
                     "certifies_impossibility": True}},
        {"channel": "email", "at": "2026-11-12T09:00:00+01:00", "outcome": "sent",
         "details": {"recipient": "pref-etrangers@rhone.gouv.fr", "purpose": "substitute"}},
    ]  # fmt: skip
    case = {
        "format": 2,
        "person": {"family_name": "Nguyen", "given_names": "Linh", "birth_date": "2002-06-01",
                   "birth_place": "Hanoï (Viêt Nam)", "nationality": "vietnamienne",
                   "address": "8 rue Pasteur\n69007 Lyon", "gender": "f"},
        "procedure": {"kind": "first_application", "title": "carte de séjour temporaire",
                      "ground": "étudiant", "code": "etudiant-premiere-demande"},
        "department": "69",
        "facts": {"particular_circumstances": "Stage obligatoire le 5 janvier 2027."},
        "anef": {"account_created_on": "2026-10-01", "demarche": "Étudiant"},
        "attempts": attempts,
    }  # fmt: skip
    path = folder / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def case(personas: Any, tmp_path: Path) -> Case:
    return import_case(load_file(write_case(tmp_path / "import")), personas.group)


def text_of(case: Case, kind: str) -> str:
    return normalised(draft_document(case, kind, date=DATE).text)


def test_the_requete_justifies_one_blocking_and_declares_everything_else(case):
    text = text_of(case, "requete")
    discussion = text.split("4. Sur l'utilité")[1].split("5. Sur l'absence")[0]
    proven = discussion.split("justifie avoir accompli")[1].split("déclare en outre")[0]
    declared = discussion.split("déclare en outre")[1]

    assert "1 tentative de dépôt sur le téléservice restée vaine" in proven
    assert "que montrent les captures produites (pièce n° 4)" in proven
    for claim in ("centre de contact", "point d'accueil", "demande écrite", "attestant"):
        assert claim not in proven, claim
    assert "sans en produire de justificatif" in declared
    assert "1 tentative de dépôt sur le téléservice restée vaine" in declared
    assert "2 démarches auprès du centre de contact citoyens" in declared
    assert "1 visite au point d'accueil numérique de la préfecture" in declared
    assert "1 demande écrite adressée à la préfecture" in declared
    assert "relevé du journal des démarches (pièce n°" in declared
    # Never more than one step « justified », never a certificate nobody produced.
    assert not re.search(r"justifie (de|avoir accompli) ([2-9]|\d\d)", text)
    assert "attestant l'impossibilité" not in text and "document remis atteste" not in text
    assert "horodatée" not in text and "constatée par Créneau" not in text


def test_the_facts_list_the_declared_steps_as_declared(case):
    facts = text_of(case, "requete").split("II. DISCUSSION")[0]
    assert "elle a accompli 1 démarche, sans obtenir l'enregistrement de sa demande" in facts
    assert "(démarche déclarée avec fichier joint ; pièce n° 4)" in facts
    assert "Elle déclare en outre avoir accompli 5 démarches" in facts
    assert "dont elle ne produit pas de justificatif" in facts
    assert facts.count("(démarche déclarée sans justificatif)") == 5
    assert "1 semaine différente" not in facts


def test_the_bundle_plan_gives_no_exhibit_to_a_declared_step(case):
    kinds = [exhibit.kind for exhibit in exhibits_for(case)]
    assert kinds.count("screenshots") == 1
    assert "ccc" not in kinds and "pan" not in kinds and "email" not in kinds


def test_the_letters_keep_a_record_but_claim_no_proof_of_each_step(case):
    for kind in ("substitution", "letter", "email"):
        text = text_of(case, kind)
        assert "Je conserve la preuve de chacune" not in text, kind
        assert "Je tiens un relevé daté de ces démarches" in text, kind
    assert "attestant l'impossibilité" not in text_of(case, "ccc")


def test_the_note_for_a_lawyer_counts_the_diligences_apart(case):
    text = text_of(case, "summary")
    proven = text.split("établies par une pièce :")[1].split("seulement déclarées")[0]
    declared = text.split("seulement déclarées")[1].split("Détail des démarches")[0]
    assert "1 tentative de dépôt sur le téléservice restée vaine" in proven
    assert "centre de contact" not in proven
    assert "2 démarches auprès du centre de contact citoyens" in declared
    assert "tentative de prise de rendez-vous" not in text  # ANEF words, not booking ones


def test_the_ddd_referral_offers_the_proof_it_has_and_the_record_of_the_rest(case):
    text = text_of(case, "ddd")
    assert "la preuve des démarches que je peux justifier et le relevé daté de toutes" in text
    assert "Je tiens la preuve de ces démarches" not in text
