"""The booking system is recognised from the address's shape, host or path."""

import pytest

from creneau.catalog.models import guess_system


@pytest.mark.parametrize(
    ("url", "system"),
    [
        (
            "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/4409/cgu/",
            "rdv_prefecture",
        ),
        # The simulator's captcha page (any host): recognised by the platform's path.
        ("http://127.0.0.1:8765/rdvpref/reservation/demarche/1234/cgu/", "rdv_prefecture"),
        ("https://www.rdv.93.gouv.fr/booking/create/9845", "legacy"),
        ("https://example.org/prendre-rendez-vous", "generic"),
    ],
)
def test_the_system_is_recognised_from_the_address(url, system):
    assert guess_system(url) == system
