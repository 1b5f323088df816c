import pytest
from django.utils import translation

from creneau.assessment.thresholds import Thresholds, load_thresholds


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


@pytest.fixture
def thresholds() -> Thresholds:
    return load_thresholds()


@pytest.fixture
def case_factory(db):
    """Build a Case with its attempts straight in the test database (no catalog loader needed)."""
    from creneau.accounts.models import Organisation
    from creneau.cases.models import Attempt, AttemptFile, Case, Person
    from creneau.catalog.models import Department, Tribunal
    from creneau.evidence.models import Blob

    # The shared conftest may have loaded the catalog already; transactional tests flush it.
    tribunal, _ = Tribunal.objects.get_or_create(
        slug="montreuil",
        defaults={
            "name": "Tribunal administratif de Montreuil",
            "seat": "Montreuil",
            "source": "R.221-3 CJA",
        },
    )
    department, _ = Department.objects.get_or_create(
        code="93",
        defaults={
            "name": "Seine-Saint-Denis",
            "chef_lieu": "Bobigny",
            "tribunal": tribunal,
            "source": "R.221-3 CJA",
        },
    )
    organisation = Organisation.objects.create(name="Groupe local", slug="groupe-local")
    person = Person.objects.create(organisation=organisation, family_name="Diallo")

    def make(attempts=(), **fields):
        fields.setdefault("procedure_kind", "renewal")
        case = Case.objects.create(
            organisation=organisation, person=person, department=department, **fields
        )
        for number, fact in enumerate(attempts):
            row = Attempt.objects.create(
                case=case,
                channel=fact.channel,
                at=fact.at,
                outcome=fact.outcome,
                source=fact.evidence,
            )
            if fact.has_files:
                blob = Blob.objects.create(sha256=f"{case.pk:032x}{number:032x}", size=1)
                AttemptFile.objects.create(attempt=row, blob=blob, name="capture.png")
        return case

    return make
