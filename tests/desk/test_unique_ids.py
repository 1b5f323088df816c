"""Every id on a volunteer's page is unique, so that each label focuses its own field."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from tests.conftest import make_case

pytestmark = pytest.mark.django_db
PAGES = ["case-detail", "mail", "letter", "counter", "ccc", "ddd", "anef", "pan", "court-page"]


@pytest.mark.parametrize("name", PAGES)
def test_no_two_elements_of_a_case_page_share_an_id(personas, name):
    case = make_case(personas.group)
    page = personas.client_for(personas.alice).get(reverse(name, args=[case.reference]))
    assert page.status_code == 200
    ids = Counter(re.findall(r'\sid="([^"]+)"', page.content.decode()))
    assert [i for i, n in ids.items() if n > 1] == []
