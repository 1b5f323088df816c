"""System A, the legacy ``booking/create`` module: conditions → desk → result.

Stops on the first page that answers: the « Il n'existe plus de plage horaire libre… » form, or
the calendar (step 4) when slots exist. It never presses « Première plage horaire libre »: that
would hold a slot someone else needs.
"""

from typing import ClassVar

from creneau.lib.browser import Ready, Step
from creneau.watch.drivers.base import Driver, Mode, PageConfig, Parameter, token


class LegacyDriver(Driver):
    system = "legacy"
    mode: ClassVar[Mode] = "automatic"
    parameters = (Parameter("desk", "Guichet : valeur du bouton « planning » (vide : le premier)"),)

    def ready(self, config: PageConfig) -> Ready:
        # The no-slot form (« Il n'existe plus de plage horaire libre… »), the step-4 calendar's
        # form, the step-3 description, the closure notice.
        return Ready(
            selectors=("form[action$='/4']",),
            texts=(
                "plage horaire libre",
                "Description de la nature du rendez-vous",
                "n'est pas disponible pour le moment",
            ),
        )

    def steps(self, config: PageConfig) -> list[Step]:
        desk = self.value(config, "desk")
        radio = "input[name=planning]" + (f"[value='{token(desk, 'desk')}']" if desk else "")
        return [
            Step("check", "#condition"),
            Step("click", "#submit_Booking input[name=nextButton]"),
            # Only démarches with several desks show the desk list (step 1).
            Step("check", f"form[action$='/1'] {radio}", optional=True),
            Step("click", "form[action$='/1'] input[name=nextButton]", optional=True),
            # Slots exist: the description (step 3) leads to the calendar (step 4).
            Step("click", "form[action$='/3'] input[name=nextButton]", optional=True),
        ]
