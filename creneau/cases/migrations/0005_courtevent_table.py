# The model left the court app in 0004_courtevent_moved (state only): its table and content type now take this
# app's names, so permissions given on it are kept.

from django.db import migrations


def move_content_type(apps, schema_editor, source="court", target="cases"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="courtevent").exists():
        ContentType.objects.filter(app_label=source, model="courtevent").update(app_label=target)


def move_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="cases", target="court")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_courtevent_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="courtevent", table=None),
        migrations.RunPython(move_content_type, move_back),
    ]
