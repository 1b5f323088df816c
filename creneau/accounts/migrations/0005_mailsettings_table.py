# MailSettings left the correspondence app in 0004 (state only): its table and content type now
# take the accounts app's names, so permissions given on it are kept.

from django.db import migrations


def move_content_type(apps, schema_editor, source="correspondence", target="accounts"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="mailsettings").exists():
        ContentType.objects.filter(app_label=source, model="mailsettings").update(app_label=target)


def move_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="accounts", target="correspondence")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_mailsettings_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="mailsettings", table=None),
        migrations.RunPython(move_content_type, move_back),
    ]
