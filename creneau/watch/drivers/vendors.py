"""Commercial booking widgets some desks use (Qmatic, Synbird, ClicRDV, Smart Agenda).

The page's URL is the widget's calendar for one service: no step is taken, and the page is
judged by the classifier, which knows each vendor's statements and, for ClicRDV and Qmatic,
their JSON answers (booking-systems.md §6).
"""

from typing import ClassVar

from creneau.lib.browser import Step
from creneau.watch.drivers.base import Driver, Mode, PageConfig


class VendorDriver(Driver):
    mode: ClassVar[Mode] = "automatic"

    def steps(self, config: PageConfig) -> list[Step]:
        return []


class QmaticDriver(VendorDriver):
    system = "qmatic"


class SynbirdDriver(VendorDriver):
    system = "synbird"


class ClicRdvDriver(VendorDriver):
    system = "clicrdv"


class SmartAgendaDriver(VendorDriver):
    system = "smartagenda"
