"""System D, RDV Service Public: a search URL, then the place's week grid.

The entry URL carries the search (département, motive); when several places answer, the driver
follows the configured place (``lieu_id``) or the first one.
"""

from typing import ClassVar

from creneau.lib.browser import Ready, Step
from creneau.watch.drivers.base import Driver, Mode, PageConfig, Parameter, token


class RdvServicePublicDriver(Driver):
    system = "rdv_service_public"
    mode: ClassVar[Mode] = "automatic"
    parameters = (Parameter("lieu_id", "Lieu : identifiant « lieu_id » (vide : le premier)"),)

    def ready(self, config: PageConfig) -> Ready:
        # _nothing_to_show, the week grid, the reschedule page (booking-systems.md §5).
        return Ready(
            texts=(
                "aucun créneau correspondant",
                "Sélectionnez un créneau",
                "tous les créneaux sont pris",
            )
        )

    def steps(self, config: PageConfig) -> list[Step]:
        lieu = self.value(config, "lieu_id")
        link = f"a[href*='lieu_id={token(lieu, 'lieu_id')}']" if lieu else "a[href*='lieu_id=']"
        return [Step("click", link, optional=True)]
