"""Isolation, checked route by route from the URLconf itself.

Every route must be classified below; a new route that nobody classified fails the first test,
so a view cannot ship without someone deciding who may reach it. Every case route is then
requested by the outsider (Charlie), with GET and POST, on a real case of Alice's organisation:
the answer must be the one a reference that does not exist gets (no oracle), never a success,
and nothing may change. Alice, a member, reaches the same routes.
"""

import hashlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from creneau.cases.models import Attempt, Case
from creneau.correspondence.models import MailDraft
from creneau.court.models import BundleBuild
from creneau.evidence.models import ReadingOverride, ScreenshotReading
from creneau.evidence.readings import record_reading
from creneau.evidence.seal import blob_row
from creneau.lib import storage
from creneau.portal.access import issue
from creneau.scheduling.models import AssistedSession
from creneau.screenshots.models import ScreenshotImport
from tests.conftest import make_case

pytestmark = pytest.mark.django_db

# Who may reach each route, by its pattern's beginning.
PUBLIC = ("i18n/", "connexion/", "deconnexion/", "installation/", "observatoire/", "favicon.ico")
ACCOUNT = ("compte/",)  # the signed-in user's own settings (tests/accounts)
MEMBER_LISTS = ("", "dossiers/", "dossiers/nouveau/", "dossiers/export.csv", "tableau-de-bord/")
PERSON_PORTAL = ("p/",)  # a personal link's session (tests/portal/test_access.py)
ASSISTED = ("tentative/",)  # a signed, expiring token (tests/scheduling)
ORGANISATION = ("organisation/",)  # its admins only, 404 otherwise (tests/accounts)
ADMIN = ("admin/",)  # Django's admin, scoped per organisation (tests/accounts)
CASE = "dossiers/<str:reference>/"


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name or ""


def kind(pattern: str) -> str:
    if pattern.startswith(CASE):
        return "case"
    if pattern in MEMBER_LISTS:
        return "member"
    for name, prefixes in [
        ("public", PUBLIC),
        ("account", ACCOUNT),
        ("portal", PERSON_PORTAL),
        ("assisted", ASSISTED),
        ("organisation", ORGANISATION),
        ("admin", ADMIN),
    ]:
        if pattern.startswith(prefixes):
            return name
    return "unclassified"


def test_every_route_is_classified():
    unclassified = [pattern for pattern, _ in routes() if kind(pattern) == "unclassified"]
    assert unclassified == []


def test_there_are_case_routes_to_check():
    # Guards the walk itself: a broken resolver walk would make the tests below vacuous.
    assert len([p for p, _ in routes() if kind(p) == "case"]) >= 30


def parameters(case: Case) -> dict[str, Callable[[], Any]]:
    """Real objects of the case for each URL parameter, so that a member's request succeeds."""
    now = timezone.now()
    return {
        "draft_id": lambda: (
            MailDraft.objects.create(
                case=case, recipient="pref@example.org", subject="Demande", body="…", message=b"x"
            ).pk
        ),
        "index": lambda: 0,
        "attempt_id": lambda: (
            Attempt.objects.create(case=case, channel="counter", at=now, outcome="refused").pk
        ),
        "build_id": lambda: BundleBuild.objects.create(case=case).pk,
        "import_id": lambda: (
            ScreenshotImport.objects.create(case=case, channel="online", outcome="no_slot").pk
        ),
        "reading_id": lambda: set_aside_reading(case).pk,
        "sha256": lambda: "0" * 64,
        "action": lambda: "pause",
        "session_id": lambda: (
            AssistedSession.objects.create(case=case, expires_at=now + timedelta(hours=1)).pk
        ),
        "capture_id": lambda: "00000000-0000-4000-8000-000000000000",
        "pk": lambda: issue(case.person, None, None).link.pk,
        "fmt": lambda: "pdf",
        "extension": lambda: "pdf",
    }


def set_aside_reading(case: Case) -> ScreenshotReading:
    """A screenshot of the case that its reading set aside (another prefecture)."""
    data = b"\x89PNG\r\n\x1a\n a screenshot"
    storage.put(data)
    values = {"outcome": "unknown", "perceptual_hash": "0" * 16}
    blocking = [{"code": "other_prefecture", "key": "other_prefecture", "blocking": True}]
    blob_row(data, "image/png")
    return record_reading(hashlib.sha256(data).hexdigest(), values, blocking, "test", case=case)


def fill(pattern: str, reference: str, values: dict[str, Any]) -> str:
    path = "/" + pattern.replace("<str:reference>", reference)
    for name, value in values.items():
        for converter in ("int", "str", "uuid"):
            path = path.replace(f"<{converter}:{name}>", str(value))
    assert "<" not in path, f"no test value for a parameter of {pattern}"
    return path


def case_paths(case: Case) -> list[tuple[str, str, str]]:
    """(route name, path on the case, same path on a reference that does not exist)."""
    makers = parameters(case)
    found = []
    for pattern, name in routes():
        if kind(pattern) != "case":
            continue
        values = {key: make() for key, make in makers.items() if f":{key}>" in pattern}
        found.append(
            (name, fill(pattern, case.reference, values), fill(pattern, "ZZZZZZZZ", values))
        )
    return found


def state(case: Case) -> tuple[Any, ...]:
    """What an outsider's request must not change."""
    case.refresh_from_db()
    return (
        case.updated_at,
        case.status,
        case.attempts.count(),
        case.mail_drafts.filter(state="awaiting").count(),
        case.bundle_builds.count(),
        case.screenshot_imports.count(),
        ReadingOverride.objects.filter(reading__case=case).count(),
        case.person.personal_links.filter(revoked_at__isnull=True).count(),
    )


def test_the_outsider_gets_what_a_missing_case_gets_on_every_case_route(personas):
    case = make_case(personas.group)
    paths = case_paths(case)
    before = state(case)
    charlie = personas.client_for(personas.charlie)
    leaks = []
    for name, path, missing in paths:
        for method in ("get", "post"):
            answer = getattr(charlie, method)(path).status_code
            expected = getattr(charlie, method)(missing).status_code
            if answer != expected or answer not in (404, 405):
                leaks.append((name, method, answer, expected))
    assert leaks == []
    assert state(case) == before


# Routes that answer 404 to a member too while the case is in the state built here.
NOT_YET = {
    "mail-attachment": "the draft has no attachment",
    "court-bundle-zip": "the filing bundle is not built yet",
    "court-execution": "no injunction is recorded",
    "pan-attestation": "the attempt built here is a counter visit (tests/correspondence/test_anef)",
    "evidence-file": "no file with that digest (tests/desk/test_evidence_viewer)",
    "evidence-folder": "the attempt built here has no capture (tests/desk/test_evidence_viewer)",
}


def test_a_member_reaches_every_case_route(personas):
    case = make_case(personas.group)
    alice = personas.client_for(personas.alice)
    refused = []
    for name, path, _ in case_paths(case):
        status = alice.get(path).status_code
        if status == 405 or (status == 404 and name in NOT_YET):  # 405: an action, POST only
            continue
        if status not in (200, 302):
            refused.append((name, status))
    assert refused == []
