"""Words on the volunteer's pages: French plurals and elision, no internal code (issue 19)."""

import re
from datetime import timedelta

import pytest
from babel.messages.pofile import read_po
from django.utils import timezone

from creneau.cases.models import Attempt
from tests.conftest import make_case
from tests.french_plurals import PO, plural_messages

pytestmark = pytest.mark.django_db

# « 0 dossiers », « 1 jours », « 1 heures différentes »: a plural after 0 or 1.
WRONG_PLURAL = re.compile(
    r"\b[01]\s(dossiers|jours|heures|semaines|tentatives|courriels|pièces|relevés|codes)\b"
)


def test_every_plural_message_of_the_code_is_in_the_french_catalogue():
    """Without its French entry, gettext applies the English rule: « 0 dossiers ». Regenerate
    with ``scripts/uv run python -m tests.french_plurals --write`` (then compilemessages)."""
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    kept = {
        message.id: tuple(message.string) for message in catalogue if isinstance(message.id, tuple)
    }
    missing = [pair for pair in plural_messages() if kept.get(pair) != pair]
    assert missing == []
    assert catalogue.plural_forms == "nplurals=2; plural=(n > 1);"


def test_an_empty_dashboard_says_0_dossier(personas):
    page = personas.client_for(personas.alice).get("/tableau-de-bord/").content.decode()
    assert "0 dossier en cours." in page
    assert not WRONG_PLURAL.search(page)


def test_the_case_page_agrees_its_numbers(personas):
    case = make_case(personas.group)
    now = timezone.now()
    for days in (2, 1):  # two attempts one day apart: a period of one day, one hour
        at = (now - timedelta(days=days)).replace(hour=9, minute=0)
        Attempt.objects.create(case=case, channel="online", at=at, outcome="no_slot")
    page = personas.client_for(personas.alice).get(f"/dossiers/{case.reference}/").content
    text = re.sub(r"<[^>]+>", " ", page.decode())
    assert not WRONG_PLURAL.search(text), WRONG_PLURAL.search(text)
    assert "(1 jour)" in text
