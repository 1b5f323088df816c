"""Encrypt e-mail drafts at rest: subject, text and both messages are rendered from identity.

Bytes move through new columns (PostgreSQL would cast ``bytea`` to its hex text otherwise);
every existing row is re-saved, so nothing stays in clear.
"""

from django.db import migrations

import creneau.correspondence.models


def encrypt_rows(apps, schema_editor):
    MailDraft = apps.get_model("correspondence", "MailDraft")
    for draft in MailDraft.objects.all().iterator():
        draft.sealed_message = bytes(draft.message) if draft.message is not None else None
        draft.sealed_sent = bytes(draft.sent_message) if draft.sent_message is not None else None
        draft.save(update_fields=["subject", "body", "sealed_message", "sealed_sent"])


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0002_mailsettings_moved")]

    operations = [
        migrations.AlterField(
            model_name="maildraft",
            name="subject",
            field=creneau.correspondence.models.EncryptedChar(max_length=300, verbose_name="objet"),
        ),
        migrations.AlterField(
            model_name="maildraft",
            name="body",
            field=creneau.correspondence.models.EncryptedText(verbose_name="texte"),
        ),
        migrations.AddField(
            model_name="maildraft",
            name="sealed_message",
            field=creneau.correspondence.models.EncryptedBytesField(null=True),
        ),
        migrations.AddField(
            model_name="maildraft",
            name="sealed_sent",
            field=creneau.correspondence.models.EncryptedBytesField(null=True, blank=True),
        ),
        migrations.RunPython(encrypt_rows, migrations.RunPython.noop),
        migrations.RemoveField(model_name="maildraft", name="message"),
        migrations.RemoveField(model_name="maildraft", name="sent_message"),
        migrations.RenameField(model_name="maildraft", old_name="sealed_message", new_name="message"),
        migrations.RenameField(model_name="maildraft", old_name="sealed_sent", new_name="sent_message"),
        migrations.AlterField(
            model_name="maildraft",
            name="message",
            field=creneau.correspondence.models.EncryptedBytesField(),
        ),
    ]
