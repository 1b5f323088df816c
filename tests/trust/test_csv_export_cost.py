"""The CSV export of the case list costs the same few queries for 3 cases or 30.

bench/load.py found it took 74 s for 10,000 cases under load: one attempt count query per case.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from creneau.cases.models import Attempt
from tests.conftest import make_case

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def export_with_cases(personas, count: int, django_assert_max_num_queries) -> list[list[str]]:
    for n in range(count):
        case = make_case(personas.group, family_name=f"Nom{n}")
        for _ in range(n % 3):
            Attempt.objects.create(case=case, channel="online", at=NOW, outcome="no_slot")
    client = personas.client_for(personas.alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("case-list-csv"))
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_export_counts_attempts_without_a_query_per_case(
    personas, django_assert_max_num_queries
):
    rows = export_with_cases(personas, 30, django_assert_max_num_queries)

    counts = {row[1]: row[-1] for row in rows[1:]}
    assert len(counts) == 30
    assert all(counts[f"Nom{n}"] == str(n % 3) for n in range(30))
