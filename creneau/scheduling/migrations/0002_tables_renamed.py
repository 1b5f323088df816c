# The scheduling models left the watch app in 0001 (state only); their tables and content types
# now take the scheduling app's names, so permissions given on them are kept.

from django.db import migrations

MODELS = ("assistedsession", "evidenceschedule", "hostbudget", "pagewatch", "periodicjob")


def move_content_types(apps, schema_editor, source="watch", target="scheduling"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="scheduling", target="watch")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("scheduling", "0001_initial"),
    ]

    operations = [
        *(migrations.AlterModelTable(name=model, table=None) for model in MODELS),
        migrations.RunPython(move_content_types, move_back),
    ]
