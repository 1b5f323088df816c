"""Démarches-simplifiées forms: nothing to book, only whether the démarche is open or closed."""

from typing import ClassVar

from creneau.lib.browser import Step
from creneau.watch.drivers.base import Driver, Mode, PageConfig


class DemarchesSimplifieesDriver(Driver):
    system = "demarches_simplifiees"
    mode: ClassVar[Mode] = "alert_only"

    def steps(self, config: PageConfig) -> list[Step]:
        return []
