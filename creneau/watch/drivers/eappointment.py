"""System C, eAppointment: postal code → motive → a JavaScript ``alert()`` or the date page.

The no-slot answer exists only as a native dialog; the browser seam records its text, which the
classifier reads like page content.
"""

import re
from typing import ClassVar

from creneau.lib.browser import Ready, Step
from creneau.watch.drivers.base import Driver, DriverConfigError, Mode, PageConfig, Parameter, token


class EAppointmentDriver(Driver):
    system = "eappointment"
    mode: ClassVar[Mode] = "automatic"
    parameters = (
        Parameter("postal_code", "Code postal du domicile", "94000"),
        Parameter("motive", "Motif : valeur de « selectedMotiveKeyList »", "20"),
    )

    def ready(self, config: PageConfig) -> Ready:
        # The no-slot answer is an alert(); slots, the date page's day field.
        return Ready(selectors=("#dayValueId",), dialog=True)

    def steps(self, config: PageConfig) -> list[Step]:
        postal_code = self.value(config, "postal_code")
        if not re.fullmatch(r"\d{5}", postal_code):
            raise DriverConfigError(f"postal_code must be 5 digits, not {postal_code!r}")
        motive = token(self.value(config, "motive"), "motive")
        return [
            # The landing page only; an entry URL may already be the motive page.
            Step("fill", "#CPId", postal_code, optional=True),
            Step("click", "#continuerId", optional=True),
            Step("check", f"input[name=selectedMotiveKeyList][value='{motive}']"),
            Step("click", "#nextButtonId"),
        ]
