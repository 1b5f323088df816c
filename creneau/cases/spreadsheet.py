"""CSV export of a case list, safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel or LibreOffice (CSV injection): such cells get a leading apostrophe.
"""

import csv
import io
from collections.abc import Iterable

from creneau.cases.models import Case
from creneau.catalog.models import Procedure

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ["référence", "nom", "prénoms", "démarche", "département", "état", "tentatives"]


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _attempt_count(case: Case) -> int:
    """The caller's annotated count when there is one: one query for 10,000 cases, not 10,000."""
    count = getattr(case, "attempt_count", None)
    return case.attempts.count() if count is None else int(count)


def cases_csv(cases: Iterable[Case]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    # Labels translated once, not once per row (get_FOO_display rebuilds its table every call).
    kinds = {value: str(label) for value, label in Procedure.Kind.choices}
    statuses = {value: str(label) for value, label in Case.Status.choices}
    for case in cases:
        row = [
            case.reference,
            case.person.family_name,
            case.person.given_names,
            kinds.get(case.procedure_kind, case.procedure_kind),
            case.department_id,
            statuses.get(case.status, case.status),
            _attempt_count(case),
        ]
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
