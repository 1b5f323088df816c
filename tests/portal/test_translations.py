"""Every page the person sees speaks English, Arabic and Spanish: no French string left over.

The check is built from the catalogues themselves: every msgid whose source is a person-facing
file must be translated, and must not appear verbatim on the rendered pages in another language.
"""

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from creneau.cases.models import Attempt, Channel, Outcome
from creneau.evidence.states import State
from creneau.portal import access
from tests.conftest import make_case
from tests.portal.conftest import open_portal

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ar", "es"]
LOCALE = Path(settings.BASE_DIR) / "creneau" / "locale"
PERSON_FACING = re.compile(
    r"^creneau/(portal/templates/portal/(base|outside|home|case|upload|alerts|no_access|left|_fields)"
    r"\.html|portal/(wording|forms|views)\.py|templates/(base|404|403|500|registration/login)\.html)"
)
# Strings computed in Python that reach the person's pages: the assessment's next steps, the
# journal's labels. They are checked on the pages, even where the catalogue leaves some empty.
SHOWN_TOO = re.compile(r"^creneau/(assessment/(rules|verdict)|cases/models|evidence/states)\.py")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


def person_facing(language: str, scope: re.Pattern[str] = PERSON_FACING) -> dict[str, str]:
    """French msgid → translation, for the strings of the person-facing files."""
    found = {}
    for message in catalogue(language):
        if not message.id or not any(scope.match(path) for path, _ in message.locations):
            continue
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        found[singular] = "" if message.fuzzy else text
    return found


def fragments(msgid: str) -> list[str]:
    """The literal parts of a msgid long enough to be recognised on a page."""
    return [part.strip() for part in PLACEHOLDER.split(msgid) if len(part.strip()) >= 8]


def visible_text(content: bytes) -> str:
    page = content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_person_facing_string_is_translated(language):
    strings = person_facing(language)
    assert len(strings) > 60  # the scope is real: the portal's own files are in it
    assert [msgid for msgid, text in strings.items() if not text] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_labels_of_the_journal_are_translated(language):
    labels = [choice.label for choice in (*Channel, *Outcome, *Attempt.Source, *State)]
    with translation.override("fr"):
        french = [str(label) for label in labels]
    with translation.override(language):
        translated = [str(label) for label in labels]
    same = [f for f, t in zip(french, translated, strict=True) if f == t]
    assert same == ([] if language != "en" else ["e-mail"])  # the same word in English


def rendered_pages(client, case, token_client) -> dict[str, bytes]:
    other = client  # a browser without any session
    pages = {
        "case": token_client.get(f"/p/dossier/{case.reference}/"),
        "upload": token_client.get(f"/p/dossier/{case.reference}/capture/"),
        "upload-errors": token_client.post(f"/p/dossier/{case.reference}/capture/", {}),
        "alerts": token_client.get("/p/alertes/"),
        "home": token_client.get("/p/"),
        "no-access": other.get("/p/dossier/XXXX/"),
        "login": other.get("/connexion/"),
        "404": other.get("/this/page/does/not/exist/"),
    }
    assert {name: r.status_code for name, r in pages.items()} == {
        "case": 200,
        "upload": 200,
        "upload-errors": 400,
        "alerts": 200,
        "home": 200,
        "no-access": 403,
        "login": 200,
        "404": 404,
    }
    left = token_client.post("/p/sortir/")
    return {name: r.content for name, r in pages.items()} | {"left": left.content}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_french_string_is_left_on_the_persons_pages(personas, language):
    case = make_case(personas.group)
    make_case(personas.group, person=case.person, procedure_kind="other")  # the home page lists
    Attempt.objects.create(case=case, channel="online", at="2026-10-01T09:00Z", outcome="no_slot")
    token = access.issue(case.person, None, None).token
    person = open_portal(token)
    stranger = Client()
    for client in (person, stranger):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    pages = rendered_pages(stranger, case, person)
    with translation.override(language):
        pages["403"] = render_to_string("403.html").encode()
        pages["500"] = render_to_string("500.html").encode()

    translations = person_facing(language) | person_facing(language, SHOWN_TOO)
    leftovers = {
        (name, fragment)
        for name, content in pages.items()
        for msgid, translated in translations.items()
        if translated != msgid
        for fragment in fragments(msgid)
        if fragment not in translated and fragment in visible_text(content)
    }
    assert leftovers == set()
    direction = "rtl" if language == "ar" else "ltr"
    assert all(f'lang="{language}" dir="{direction}"' in c.decode() for c in pages.values())


def test_the_check_does_fail_on_a_french_page(personas):
    """The same check, run on the French pages, finds the French strings (it can fail)."""
    case = make_case(personas.group)
    person = open_portal(access.issue(case.person, None, None).token)
    page = visible_text(person.get(f"/p/dossier/{case.reference}/").content)
    found = [m for m in person_facing("en") for f in fragments(m) if f in page]
    assert "Ce que Créneau fait pour vous" in found and len(found) > 10
