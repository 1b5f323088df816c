import datetime
import re
from zoneinfo import ZoneInfo

from creneau.cases.models import Attempt
from creneau.documents.exhibits import (
    AddedDocument,
    Exhibit,
    cut_at_word,
    exhibit_of,
    letter_receipts,
    numbers_of,
    plan_exhibits,
    to_add,
)

PARIS = ZoneInfo("Europe/Paris")


def attempt(pk, day, channel="online", outcome="no_slot", month=9):
    at = datetime.datetime(2026, month, day, 10, 0, tzinfo=PARIS)
    return Attempt(pk=pk, channel=channel, at=at, outcome=outcome)


ATTEMPTS = [
    attempt(1, 1),
    attempt(2, 9),
    attempt(3, 15, "email", "sent"),
    attempt(4, 30),
    attempt(5, 2, month=10),
    attempt(6, 3, "online", "captcha", month=10),
    attempt(7, 5, "counter", "refused", month=10),
    attempt(8, 6, "phone", "no_answer", month=10),
]


# Every attempt but the phone call brings a file (a capture, the sent e-mail, an attestation).
PROVEN = frozenset({1, 2, 3, 4, 5, 6, 7})


def plan(**overrides):
    given = {"holder": "Aminata DIALLO", "renewal": True, "proven": PROVEN} | overrides
    return plan_exhibits(ATTEMPTS, **given)


def test_exhibits_are_numbered_continuously_in_a_fixed_order():
    exhibits = plan()
    assert [e.number for e in exhibits] == list(range(1, len(exhibits) + 1))
    assert [e.kind for e in exhibits] == [
        "identity",
        "residence_title",
        "address",
        "channel",
        "screenshots",
        "screenshots",
        "email",
        "counter",
        "journal",
        "timeline",
    ]


def test_screenshots_form_one_homogeneous_series_per_month_without_the_captcha():
    september, october = (e for e in plan() if e.kind == "screenshots")
    assert september.attempt_ids == (1, 2, 4)
    assert (september.first, september.last) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 30),
    )
    assert "septembre 2026 (3 tentatives, du 1er septembre 2026 au 30 septembre 2026)" in (
        september.label
    )
    assert october.attempt_ids == (5,)
    assert "le 2 octobre 2026" in october.label


def test_a_first_application_has_no_residence_title_exhibit():
    assert "residence_title" not in {e.kind for e in plan(renewal=False)}


def test_each_attempt_points_to_its_own_exhibit_and_the_journal_covers_the_rest():
    exhibits = plan()
    numbers = exhibit_of(exhibits)
    journal = next(e.number for e in exhibits if e.kind == "journal")
    assert numbers[1] == numbers[2] == 5
    assert numbers[3] == 7
    assert numbers[8] == journal  # a phone call has no document of its own


def test_file_names_follow_the_telerecours_rules():
    for exhibit in plan():
        stem = exhibit.filename_stem
        assert stem.startswith(f"{exhibit.number:02d}_")
        assert len(stem) <= 80
        assert stem.isascii() and "." not in stem and " " not in stem


def test_no_attempts_means_no_journal_exhibit():
    kinds = [e.kind for e in plan_exhibits([], holder="X", renewal=False)]
    assert kinds == ["identity", "address"]


def test_added_documents_join_their_planned_exhibit_or_follow_the_evidence_urgency_first():
    added = [
        AddedDocument(11, "other", "Attestation d'hébergement"),
        AddedDocument(12, "address", "Facture d'électricité"),
        AddedDocument(13, "employment", "Contrat de travail du 2 mars 2026"),
        AddedDocument(14, "schooling", "Certificat de scolarité de Lina"),
    ]
    exhibits = plan(added=added)
    address = next(e for e in exhibits if e.kind == "address")
    assert address.document_ids == (12,) and address.provided
    tail = exhibits[-3:]
    assert [e.kind for e in tail] == ["employment", "schooling", "other"]
    assert tail[0].label == "Situation professionnelle : Contrat de travail du 2 mars 2026"
    assert [e.number for e in exhibits] == list(range(1, len(exhibits) + 1))
    assert numbers_of(exhibits, "employment", "schooling") == [tail[0].number, tail[1].number]


def test_a_planned_exhibit_is_not_cited_before_its_document_is_added_and_is_listed_to_add():
    exhibits = plan()
    assert numbers_of(exhibits, "address") == []  # a placeholder page proves nothing
    assert [e.kind for e in to_add(exhibits)] == [
        "identity",
        "residence_title",
        "address",
        "channel",
    ]
    added = plan(added=[AddedDocument(12, "address", "Facture d'électricité")])
    assert numbers_of(added, "address") == [3]


def test_an_attempt_only_declared_gets_no_exhibit_of_its_own_and_the_journal_lists_it():
    exhibits = plan(proven={1})
    kinds = [e.kind for e in exhibits]
    assert kinds.count("screenshots") == 1 and "email" not in kinds and "counter" not in kinds
    [series] = [e for e in exhibits if e.kind == "screenshots"]
    assert series.attempt_ids == (1,) and "(1 tentative, le 1er septembre 2026)" in series.label
    journal = next(e for e in exhibits if e.kind == "journal")
    assert set(journal.attempt_ids) == {a.pk for a in ATTEMPTS}
    assert journal.label.startswith("Relevé du journal des démarches, ")
    assert exhibit_of(exhibits)[3] == journal.number


def test_a_phone_call_with_a_file_has_its_own_exhibit():
    exhibits = plan(proven=PROVEN | {8})
    phone = next(e for e in exhibits if e.kind == "phone")
    assert phone.attempt_ids == (8,) and phone.label.startswith("Appel téléphonique")


def test_long_file_names_are_cut_after_a_whole_word():
    long = Exhibit(
        13,
        "Captures d'écran de la prise de rendez-vous en ligne, novembre 2026 "
        "(13 tentatives, du 2 novembre 2026 au 30 novembre 2026)",
        "screenshots",
    )
    stem = long.filename_stem
    assert len(stem) <= 80
    words = set(
        re.sub(
            r"[^A-Za-z0-9]+",
            "_",
            "Captures d ecran de la prise de rendez vous en "
            "ligne novembre 2026 13 tentatives du 2 novembre 2026 au 30",
        ).split("_")
    )
    assert set(stem.split("_")[1:]) <= words
    assert cut_at_word("13_Captures_d_ecran_x", 12) == "13_Captures"


def test_a_letter_and_its_avis_de_reception_are_one_exhibit():
    attempts = [
        attempt(1, 1),
        attempt(2, 3, "letter", "sent"),
        attempt(3, 9, "letter", "delivered"),
        attempt(4, 10, "letter", "delivered"),  # no letter waiting: it stands alone
    ]
    exhibits = plan_exhibits(attempts, holder="X", renewal=False)
    letters = [e for e in exhibits if e.kind == "letter"]
    assert [e.attempt_ids for e in letters] == [(2, 3), (4,)]
    assert letters[0].label.endswith("preuve d'envoi et avis de réception du 9 septembre 2026")
    assert letter_receipts(attempts) == {3: attempts[1]}
