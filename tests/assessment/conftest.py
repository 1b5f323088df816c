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
