import pytest

from creneau.accounts.models import Member
from tests.conftest import make_member
from tests.scheduling.conftest import smtp  # noqa: F401 (a real SMTP server on 127.0.0.1)


@pytest.fixture
def org_admin(personas):
    """Diane, an administrator (and staff) of Alice's organisation."""
    user = make_member("diane", personas.group, role=Member.Role.ADMIN)
    user.is_staff = True
    user.save()
    return user
