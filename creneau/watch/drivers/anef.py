"""ANEF, the online service for residence permits: no slot to book, only whether it is reachable.

Its outage, maintenance and error pages are recorded as they are (``error``, ``closed``), never
as a missing appointment: the classifier never says ``no_slot`` for an ANEF page.
"""

from typing import ClassVar

from creneau.lib.browser import Step
from creneau.watch.drivers.base import Driver, Mode, PageConfig


class AnefDriver(Driver):
    system = "anef"
    mode: ClassVar[Mode] = "alert_only"

    def steps(self, config: PageConfig) -> list[Step]:
        return []
