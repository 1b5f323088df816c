"""Drafts written in clear by an earlier version are encrypted by the migration (issue 24)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from creneau.correspondence.models import MailDraft
from tests.conftest import make_case
from tests.correspondence.test_mail_at_rest import stored_row


def test_drafts_stored_in_clear_before_are_encrypted_by_the_migration(transactional_db, personas):
    before = [("correspondence", "0002_mailsettings_moved")]
    after = [("correspondence", "0003_maildraft_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("correspondence", "MailDraft")
    case = make_case(personas.group)
    message = b"Subject: Aminata Zyxwaldo\r\n\r\n\xe9 7512345678\r\n"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO correspondence_maildraft (case_id, recipient, recipient_verified, "
            "subject, body, attachments, missing, message, state, scheduled, prepared_at, "
            "last_error) VALUES (%s, 'p@x.example', 0, 'Aminata Zyxwaldo', 'né à Bamako', "
            "'[]', '[]', %s, 'awaiting', 0, CURRENT_TIMESTAMP, '')",
            [case.pk, message],
        )
    assert old.objects.count() == 1

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    draft = MailDraft.objects.get()
    assert (draft.subject, draft.body, bytes(draft.message)) == (
        "Aminata Zyxwaldo",
        "né à Bamako",
        message,
    )
    raw = stored_row(draft.pk).upper()
    assert "ZYXWALDO" not in raw and "BAMAKO" not in raw and "7512345678" not in raw
