"""Every page the person sees speaks English, Arabic and Spanish: no French string left over.

The check is built from the catalogues themselves: every msgid whose source is a person-facing
file must be translated, and must not appear verbatim on the rendered pages in another language.
The login page and the other pages outside the portal are the volunteers': French only
(test_page_language.py).
"""

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation

from creneau.cases.models import Attempt, Channel, Outcome
from creneau.catalog.models import BookingPage
from creneau.evidence.states import State
from creneau.notifications import alerts as notification_alerts
from creneau.portal import access
from tests.conftest import make_case
from tests.portal.conftest import open_portal

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ar", "es"]
LOCALE = Path(settings.BASE_DIR) / "creneau" / "locale"
PERSON_FACING = re.compile(
    r"^creneau/(portal/templates/portal/(base|outside|home|case|upload|alerts|no_access|left|_fields)"
    r"\.html|portal/(wording|forms|views)\.py|templates/(base|404|403|500)\.html"
    r"|notifications/templates/notifications/(slots|reminder)_(person|sms|title)\.txt)"
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
        "404": other.get("/p/this/page/does/not/exist/"),
    }
    assert {name: r.status_code for name, r in pages.items()} == {
        "case": 200,
        "upload": 200,
        "upload-errors": 400,
        "alerts": 200,
        "home": 200,
        "no-access": 403,
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


# --- every page of the portal, in every language --------------------------------------------

ALL_LANGUAGES = ["fr", *LANGUAGES]
# Two marks in a row: « ?: », « ؟: », « :: », « , , » (a label suffix after a question...).
DOUBLED = re.compile(r"[?؟!:;,،]\s?[:;,،?؟]|(?<!\.)\.\s?[:;,،]")
# An internal code (``no_slot``, ``slots_available``) instead of words.
INTERNAL_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# A count of one followed by a plural noun, a count of zero written out (« 0 dossiers »).
WRONG_COUNT = re.compile(
    r"(?<![\d,.])1 (jours|heures|semaines|tentatives|dossiers|choses|days|hours|weeks|attempts|"
    r"things|días|horas|semanas|intentos|cosas)\b|(?<![\d,.])0 (dossiers|cases|expedientes)\b"
)
TELEGRAM = "tgram://123456789:abcdefg_hijklmnop/12315544/"
# The attempt of 1 October 2026, 09:00 UTC, as each language writes it (Paris time).
FIRST_OF_OCTOBER = {
    "fr": "1er octobre 2026 à 11:00",
    "en": "Oct. 1, 2026 at 11:00",
    "ar": "1 أكتوبر، 2026، الساعة 11:00",
    "es": "1 de octubre de 2026 a las 11:00",
}


def every_portal_page(personas, settings, language: str) -> dict[str, bytes]:
    """Each page and state of the person's portal, rendered in ``language``."""
    settings.SMS_GATEWAY_URL = "https://sms.gateway.example/send"
    case = make_case(personas.group)
    anef = make_case(personas.group, person=case.person, channel="anef")
    for at, outcome in (("2026-10-01T09:00Z", "no_slot"), ("2026-10-08T16:30Z", "closed")):
        Attempt.objects.create(case=case, channel="online", at=at, outcome=outcome)
    person = open_portal(access.issue(case.person, None, None).token)
    stranger = Client()
    for client in (person, stranger):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    alerts = "/p/alertes/"
    pages = {"alerts-empty": person.get(alerts), "alerts-errors": person.post(alerts, {})}
    person.post(alerts, {"email": "aminata.d@mail.example", "phone": "07 98 76 54 32"})
    person.post(alerts, {"ntfy": "https://ntfy.sh/rdv-amina-7k2p", "advanced": TELEGRAM})
    pages["alerts-added-again"] = person.post(
        alerts, {"email": "aminata.d@mail.example"}, follow=True
    )
    settings.SMS_GATEWAY_URL = ""  # the association stops sending SMS: the page says so
    sms = case.person.notification_channels.get(label="sms")
    pages["alerts-test-failed"] = person.post(f"{alerts}{sms.pk}/essai/", follow=True)
    pages |= {
        "home": person.get("/p/"),
        "case": person.get(f"/p/dossier/{case.reference}/"),
        "case-anef": person.get(f"/p/dossier/{anef.reference}/"),
        "upload": person.get(f"/p/dossier/{case.reference}/capture/"),
        "upload-anef": person.get(f"/p/dossier/{anef.reference}/capture/"),
        "upload-errors": person.post(f"/p/dossier/{case.reference}/capture/", {}),
        "no-access": stranger.get("/p/dossier/XXXX/"),
        "bad-link": stranger.get("/p/not-a-token/"),
        "404": stranger.get("/p/this/page/does/not/exist/"),
    }
    expected = {"alerts-errors": 400, "upload-errors": 400, "no-access": 403, "bad-link": 403}
    expected |= {"404": 404}
    assert {n: r.status_code for n, r in pages.items()} == {n: expected.get(n, 200) for n in pages}
    pages["left"] = person.post("/p/sortir/")
    return {name: r.content for name, r in pages.items()}


def leftovers_on(pages: dict[str, bytes], language: str) -> set[tuple[str, str]]:
    if language == "fr":
        return set()
    translations = person_facing(language) | person_facing(language, SHOWN_TOO)
    return {
        (name, fragment)
        for name, content in pages.items()
        for msgid, translated in translations.items()
        if translated != msgid
        for fragment in fragments(msgid)
        if fragment not in translated and fragment in visible_text(content)
    }


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_every_portal_page_reads_right_in_every_language(personas, settings, language):
    """GIVEN the person's portal in French, English, Arabic and Spanish, every page and state
    (alerts with each kind of channel, their errors and messages, a case, an ANEF case, the
    upload form and its errors, the home page, refusals, leaving) THEN no French string is left
    in another language, no two punctuation marks follow each other, no internal code and no
    « 1 jours » shows, and Arabic pages are right-to-left."""
    pages = every_portal_page(personas, settings, language)

    assert leftovers_on(pages, language) == set()
    texts = {name: visible_text(content) for name, content in pages.items()}
    assert {n: DOUBLED.findall(t) for n, t in texts.items() if DOUBLED.search(t)} == {}
    assert {n: INTERNAL_CODE.findall(t) for n, t in texts.items() if INTERNAL_CODE.search(t)} == {}
    assert {n: WRONG_COUNT.findall(t) for n, t in texts.items() if WRONG_COUNT.search(t)} == {}
    direction = "rtl" if language == "ar" else "ltr"
    assert all(f'lang="{language}" dir="{direction}"' in c.decode() for c in pages.values())
    assert "+337••••••32" in texts["alerts-test-failed"]  # the number, masked
    assert FIRST_OF_OCTOBER[language] in texts["case"]
    assert "798765432" not in "".join(texts.values())


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("fr", 1, "Il reste 1 chose à faire"),
        ("fr", 3, "Il reste 3 choses à faire"),
        ("en", 1, "There is 1 more thing"),
        ("en", 3, "There are 3 more things"),
        ("es", 1, "Queda 1 cosa"),
        ("es", 3, "Quedan 3 cosas"),
        ("ar", 1, "يبقى أمر واحد"),
        ("ar", 2, "يبقى أمران"),
        ("ar", 3, "تبقى 3 أمور"),
        ("ar", 11, "يبقى 11 أمرًا"),
        ("ar", 100, "يبقى 100 أمر"),
    ],
)
def test_the_count_of_what_is_left_agrees_in_every_language(language, count, expected):
    """« 1 jours », « 2 أيام »: the count on the case page takes the plural of each language."""
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n trimmed %}Il reste {{ counter }} chose "
        "à faire pour renforcer le dossier : l'association et Créneau s'en occupent, et votre "
        "bénévole vous dira s'il a besoin de vous.{% plural %}Il reste {{ counter }} choses à "
        "faire pour renforcer le dossier : l'association et Créneau s'en occupent, et votre "
        "bénévole vous dira s'il a besoin de vous.{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"n": count})).startswith(expected)


def test_the_checks_do_catch_doubled_marks_codes_and_wrong_counts():
    assert DOUBLED.search("Où avez-vous essayé ?: ") and DOUBLED.search("أين حاولتم؟:")
    assert INTERNAL_CODE.search("aucun créneau (no_slot)")
    assert WRONG_COUNT.search("depuis 1 jours") and WRONG_COUNT.search("0 dossiers")
    assert not DOUBLED.search("Tentative à 11:00, https://ntfy.sh/x… : voici")


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_every_message_the_person_receives_reads_right(personas, language):
    """The slot alert and the reminder, by e-mail and by SMS, in each language: no French left
    over, no doubled marks, no internal code; an SMS keeps to plain spaces."""
    page = BookingPage.objects.create(
        url="https://www.rdv.93.gouv.fr/booking/create/9845", system="legacy", label="Bobigny"
    )
    case = make_case(personas.group, booking_page=page)
    episode = notification_alerts.open_episode(page, timezone.now())
    context = {
        "page": "Bobigny",
        "url": page.url,
        "link": "https://creneau.example/x/abc/",  # the real path is French, as a URL may be
        "reference": case.reference,
        **notification_alerts.day_and_time(timezone.now(), language),
    }
    messages = {
        "slots": notification_alerts.slot_message(
            case, episode, notification_alerts.Recipient("person", (), language)
        ),
        "slots-sms": notification_alerts.slot_message(
            case, episode, notification_alerts.Recipient("person", (), language, short=True)
        ),
        "reminder": notification_alerts.render(
            "reminder_person", "reminder_title", language, context
        ),
        "reminder-sms": notification_alerts.render(
            "reminder_sms", "reminder_title", language, context
        ),
    }
    texts = {name: f"{m.title}\n{m.body}" for name, m in messages.items()}

    pages = {name: text.encode() for name, text in texts.items()}
    assert leftovers_on(pages, language) == set()
    assert {n: DOUBLED.findall(t) for n, t in texts.items() if DOUBLED.search(t)} == {}
    assert {n: INTERNAL_CODE.findall(t) for n, t in texts.items() if INTERNAL_CODE.search(t)} == {}
    for name in ("slots-sms", "reminder-sms"):
        assert messages[name].title == "" and "\u00a0" not in texts[name]
        assert "\u202f" not in texts[name]
