"""The last computed assessment of each case, kept only so case lists can filter by verdict.

The case page computes the assessment on demand (it is cheap); this row is a cache refreshed by
``services.refresh_assessment(case)`` whenever the journal changes.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Case, CaseQuerySet


class VerdictChoices(models.TextChoices):
    INSUFFICIENT = "insufficient", _("insuffisant")
    WEAK = "weak", _("fragile")
    ADEQUATE = "adequate", _("correct")
    STRONG = "strong", _("solide")


class CaseAssessment(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment")
    verdict = models.CharField(
        _("évaluation"), max_length=20, choices=VerdictChoices, db_index=True
    )
    computed_at = models.DateTimeField(_("calculée le"))
    payload = models.JSONField(_("détail"), default=dict)

    class Meta:
        verbose_name = _("évaluation du dossier")
        verbose_name_plural = _("évaluations des dossiers")
        # Lists look for stale verdicts among the cases changed since the mark: a covering
        # index answers « computed before the change? » without reading the payload's row.
        indexes = [models.Index(fields=["case", "computed_at"], name="assessment_case_computed")]

    def __str__(self) -> str:
        return f"{self.case} {self.verdict}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the case's copy of the verdict in step (lists filter on it)."""
        super().save(*args, **kwargs)
        Case.objects.filter(pk=self.case_id).update(verdict=self.verdict)  # updated_at stays

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        Case.objects.filter(pk=self.case_id).update(verdict="")
        return super().delete(*args, **kwargs)


class FreshMark(models.Model):
    """Every case changed before ``fresh_before`` had a current stored verdict when the last full
    sweep of stale verdicts ended (one row). Lists then look for stale verdicts only among the
    cases changed since, instead of comparing every case with its verdict."""

    fresh_before = models.DateTimeField()

    class Meta:
        verbose_name = _("repère de fraîcheur des évaluations")

    def __str__(self) -> str:
        return f"{self.fresh_before:%Y-%m-%d %H:%M}"


def with_verdict(cases: CaseQuerySet, verdict: str) -> CaseQuerySet:
    """Cases whose stored assessment has this verdict (never-assessed cases are left out)."""
    return cases.filter(verdict=verdict)
