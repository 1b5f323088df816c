"""A realistic case for documents: a renewal in Seine-Saint-Denis with attempts over two months."""

import datetime
import hashlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from creneau.cases.models import Attempt, AttemptFile, Case, Person
from creneau.catalog.models import Department
from creneau.evidence.models import Blob

PARIS = ZoneInfo("Europe/Paris")
DOCUMENT_DATE = datetime.date(2026, 10, 20)


def paris(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]


# Different weeks and hours, the first of a month among them (« 1er »).
ATTEMPTS = [
    (paris(2026, 9, 1, 9, 12), "online", "no_slot", ""),
    (paris(2026, 9, 9, 18, 40), "online", "no_slot", ""),
    (paris(2026, 9, 15, 8, 5), "email", "no_answer", ""),
    (paris(2026, 9, 22, 7, 55), "online", "error", ""),
    (paris(2026, 9, 23, 10, 0), "letter", "delivered", ""),
    (paris(2026, 10, 1, 11, 45), "online", "closed", ""),
    (
        paris(2026, 10, 3, 10, 30),
        "counter",
        "refused",
        "L'agent d'accueil a répondu qu'aucun rendez-vous n'est donné au guichet.\n"
        "Il a renvoyé vers le site internet de la préfecture.",
    ),
    (paris(2026, 10, 6, 14, 2), "online", "no_slot", ""),
    (paris(2026, 10, 7, 9, 0), "online", "captcha", ""),
    (paris(2026, 10, 8, 16, 20), "ccc", "no_answer", ""),
]


def make_document_case(
    organisation: Any, *, attempts: Any = ATTEMPTS, with_files: bool = True, **overrides: Any
) -> Case:
    """The case, each attempt with a file of its own (a screenshot, a scan) unless
    ``with_files=False``: then every attempt is only declared."""
    person = Person.objects.create(
        organisation=organisation,
        family_name=overrides.pop("family_name", "Diallo"),
        given_names="Aminata",
        birth_date="1990-04-02",
        birth_place="Bamako (Mali)",
        nationality="malienne",
        email="aminata.diallo@example.org",
        phone="06 12 34 56 78",
        address="12 rue de la République\n93200 Saint-Denis",
        foreigner_number=None,
    )
    department = Department.objects.get(code=overrides.pop("department", "93"))
    fields: dict[str, Any] = {
        "organisation": organisation,
        "person": person,
        "procedure_kind": "renewal",
        "title": "carte de séjour temporaire",
        "ground": "salarié",
        "department": department,
        "title_expires_on": datetime.date(2026, 10, 12),
        "employment": True,
    }
    case = Case.objects.create(**(fields | overrides))
    for number, (at, channel, outcome, note) in enumerate(attempts):
        attempt = Attempt.objects.create(
            case=case, channel=channel, at=at, outcome=outcome, note=note
        )
        if with_files:  # a row is enough for documents: they name files, never read them
            digest = hashlib.sha256(f"preuve {case.reference} {number}".encode()).hexdigest()
            blob, _ = Blob.objects.get_or_create(sha256=digest, defaults={"size": 1})
            AttemptFile.objects.create(attempt=attempt, blob=blob, name=f"preuve-{number}.png")
    return case


@pytest.fixture
def case_factory(personas: Any) -> Callable[..., Case]:
    def build(**overrides: Any) -> Case:
        return make_document_case(personas.group, **overrides)

    return build


@pytest.fixture
def renewal_case(case_factory: Callable[..., Case]) -> Case:
    return case_factory()
