# The model left the court app in 0004_casedocument_moved (state only): its table and content type now take this
# app's names, so permissions given on it are kept.

from django.db import migrations


def move_content_type(apps, schema_editor, source="court", target="evidence"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="casedocument").exists():
        ContentType.objects.filter(app_label=source, model="casedocument").update(app_label=target)


def move_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="evidence", target="court")


class Migration(migrations.Migration):

    dependencies = [
        ("evidence", "0004_casedocument_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="casedocument", table=None),
        migrations.RunPython(move_content_type, move_back),
    ]
