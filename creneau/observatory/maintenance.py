"""The observatory's hourly job (registered in ``scheduling.jobs``): keep the rows current.

1. chain every page's finished local days into its journal (``journal.close_days``);
2. timestamp the chains' heads (RFC 3161);
3. recompute the advice of the pages whose days moved, and of those never computed;
4. attribute again the pages that have no catalog prefecture (their cases change).
"""

from dataclasses import dataclass
from datetime import datetime

from creneau.observatory import advice, journal, pages
from creneau.observatory.models import ObservedPage


@dataclass(frozen=True)
class Report:
    pages: int
    anchored: int
    advice: int


def run(now: datetime) -> Report:
    moved = journal.close_days(now)  # (1)
    anchors = journal.anchor_heads()  # (2)
    stale = {row.pk: row for row in moved}
    for row in ObservedPage.objects.filter(source__local=True, advice_at__isnull=True):
        stale.setdefault(row.pk, row)
    for row in stale.values():  # (3)
        advice.refresh(row, now)
    pages.refresh_attributions()  # (4)
    return Report(len(moved), anchors.anchored, len(stale))
