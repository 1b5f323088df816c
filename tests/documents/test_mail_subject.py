"""The e-mail's subject survives header folding word for word (a CPython folding bug)."""

from email import message_from_bytes, policy

import pytest

from creneau.documents.mail import compose_eml
from tests.conftest import make_case

SUBJECT = "de rendez-vous au service des étrangers : carte de séjour pluriannuelle « salarié"


@pytest.mark.django_db
def test_a_long_accented_subject_keeps_every_space(personas):
    case = make_case(personas.group)
    context = {"prefecture": {"email": ""}, "person": {"email": ""}, "subject": SUBJECT}
    raw = compose_eml(case, context, "corps", b"%PDF-1.4")
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == SUBJECT
