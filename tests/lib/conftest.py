"""The seams are tested against the same local servers as the apps that use them."""

from tests.evidence.conftest import (
    _close_browsers,
    evidence_store,
    unreachable_tsa,
)
from tests.watch.conftest import sim, simulator

__all__ = [
    "_close_browsers",
    "evidence_store",
    "sim",
    "simulator",
    "unreachable_tsa",
]
