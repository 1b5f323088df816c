"""``creneau assess CASE [--json]``: the sufficiency verdict of one case, read-only."""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creneau.assessment.services import assess_case
from creneau.assessment.verdict import Assessment
from creneau.cases.models import Case
from creneau.evidence.states import ORDER


class Command(BaseCommand):
    help = "Évalue si les preuves d'un dossier suffisent (indicatif : une personne décide)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case", help="référence du dossier")
        parser.add_argument("--json", action="store_true", help="sortie JSON")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="date d'évaluation (AAAA-MM-JJ)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reference = str(options["case"]).strip().upper()
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise CommandError(f"unknown case {reference!r}", returncode=1)
        assessment = assess_case(case, today=options["today"])
        if options["json"]:
            self.stdout.write(json.dumps(assessment.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_as_text(reference, assessment))


def _as_text(reference: str, assessment: Assessment) -> str:
    lines = [f"{reference} : {assessment.verdict.label} ({assessment.verdict})", ""]
    metrics = assessment.metrics.as_dict()
    states = " ; ".join(f"{state.label} : {metrics[str(state)]}" for state in ORDER)
    lines += [f"Tentatives ({metrics['total']}) — {states}", ""]
    lines += [f"- [{r.level}] {r.text} ({r.source})" for r in assessment.reasons]
    if assessment.next_steps:
        lines += ["", *(f"→ {step}" for step in assessment.next_steps)]
    return "\n".join([*lines, "", assessment.advisory_text])
