"""System B, RDV Préfecture: a CaptchEtat image captcha always stands before the slots.

Assisted: without an answer the driver stops on the captcha page, which is classified
``captcha``. The answer, when given, was typed by a person who saw the image (relayed from a
live session or read in the simulator); software never reads or solves it.
"""

from typing import ClassVar

from creneau.lib.browser import Ready, Step
from creneau.watch.drivers.base import Driver, Mode, PageConfig, Parameter


class RdvPrefectureDriver(Driver):
    system = "rdv_prefecture"
    mode: ClassVar[Mode] = "assisted"
    parameters = (
        Parameter("captcha_answer", "Code du captcha recopié par une personne", stored=False),
    )
    # The CaptchEtat image (booking-systems.md §3.2), then its BotDetect widget and custom element.
    challenge = ("#captchaFR_CaptchaImage", ".captcha", "rdv-captchetat")

    def ready(self, config: PageConfig) -> Ready:
        # The slot page's two answers, or the captcha the driver stops at without an answer.
        return Ready(
            selectors=("#captchaFR_CaptchaImage", "#captchaFormulaireExtInput"),
            texts=("Aucun créneau disponible", "Choisissez votre créneau"),
        )

    def steps(self, config: PageConfig) -> list[Step]:
        # Refuse the audience cookies: a person would, and it keeps the banner out of the way.
        steps = [Step("click", "#tarteaucitronAllDenied2", optional=True)]
        answer = self.value(config, "captcha_answer")
        if not answer:
            return steps
        return [
            *steps,
            Step("fill", "#captchaFormulaireExtInput", answer),
            Step("click", "button.q-btn.bg-primary"),
        ]
