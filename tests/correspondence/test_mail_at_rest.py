"""E-mail drafts hold the person's identity: nothing of it is stored in clear.

Issue 24: ``correspondence_maildraft.subject``/``body``/``message`` held names, birth date and
place, address, e-mail and foreigner number, while docs/SECURITY.md said a dump exposes none.
"""

import pytest
from django.db import connection

from creneau.correspondence import sending
from creneau.correspondence.models import MailDraft

pytestmark = pytest.mark.django_db
COLUMNS = ("subject", "body", "message", "sent_message", "attachments", "last_error")


def stored_row(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM correspondence_maildraft WHERE id = %s", [pk]
        )
        row = cursor.fetchone()
    return " ".join(
        bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v) for v in row
    )


def test_a_draft_and_the_message_sent_keep_no_identity_in_clear(case, personas, mail_settings):
    person = case.person
    person.family_name = "Zyxwaldo"
    person.foreigner_number = "7512345678"
    person.save()

    draft = sending.prepare_draft(case, "pref@example.org", personas.alice)
    sending.send_draft(case, draft.pk, personas.bob)
    draft.refresh_from_db()

    assert draft.sent_message and b"ZYXWALDO" in bytes(draft.sent_message).upper()
    assert "ZYXWALDO" in draft.body.upper()  # readable through the model
    raw = stored_row(draft.pk).upper()
    for secret in ("ZYXWALDO", "AMINATA", "7512345678", "BAMAKO", "AMINATA.DIALLO@EXAMPLE.ORG"):
        assert secret not in raw


def test_the_draft_reads_back_unchanged(case, personas):
    draft = sending.prepare_draft(case, "pref@example.org", personas.alice)
    again = MailDraft.objects.get(pk=draft.pk)

    assert (again.subject, again.body, bytes(again.message)) == (
        draft.subject,
        draft.body,
        bytes(draft.message),
    )
