# The cases' copy of their stored verdict (Case.verdict), filled from the stored assessments.

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_verdicts(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseAssessment = apps.get_model("assessment", "CaseAssessment")
    stored = CaseAssessment.objects.filter(case=OuterRef("pk")).values("verdict")[:1]
    Case.objects.filter(assessment__isnull=False).update(verdict=Subquery(stored))


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0002_fresh_mark"),
        ("cases", "0010_case_verdict"),
    ]

    operations = [migrations.RunPython(copy_verdicts, migrations.RunPython.noop)]
