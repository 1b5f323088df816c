"""The driver contract: how to reach one booking system's availability answer.

A driver **must**

- name its ``system`` (a ``catalog.BookingSystem`` value) and its ``mode``: ``automatic`` (the
  answer is reachable without a person), ``assisted`` (a captcha stands before it: a person
  answers, software never does) or ``alert_only`` (the system has no slots to watch; we only
  notice when it opens or closes);
- return from ``steps(config)`` the declarative navigation from the entry URL to the page that
  answers, and stop there: never hold a slot, never submit personal data, never solve a
  challenge.

It **should** make optional the steps that only some variants show (a desk list present only
when a démarche has several desks), so that a gate page (error, waiting room, challenge) is
classified as what it is. It **may** override ``judge`` when the system's answer needs more than
the generic classifier (the generic driver does, with texts configured in the admin).

An ``assisted`` driver **should** name in ``challenge`` where its challenge is, most precise
first: the image a person reads, then the widget holding it. The assisted relay crops to the
picture alone, never to the site's « new code » or « listen » controls around it (see
``lib.browser.session_screenshot``); the generic names below are the fallback.

It **may** say from ``ready(config)`` when its page has answered (``lib.browser.Ready``: an
element or a text only an answer shows, a native dialog, requests never to wait for), so that
the capture stops waiting as soon as that is shown with nothing in flight. Readiness only
shortens the wait; without it the page is taken once its network has been quiet for a moment
(``browser.QUIET_S``), and either way within ``browser.SETTLE_MAX_S``. Declare only signals of
a final answer (a no-slot sentence, a slot grid, a challenge), never of a page still filling in.

Every judgement then goes through the one honesty rule (``creneau.watch.honesty``): a failed
navigation or an HTTP error never ends as ``no_slot``.
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from creneau.lib.browser import PageSnapshot, Ready, Step
from creneau.watch.classify import Classification, classify

Mode = Literal["automatic", "assisted", "alert_only"]
PageConfig = Mapping[str, object]

_TOKEN = re.compile(r"[\w-]{1,40}")
# Where a challenge usually is, when a driver does not say (widgets named « captcha »).
CHALLENGE = (".captcha", "[id*=captcha i]", "[class*=captcha i]")


class DriverConfigError(ValueError):
    """A page parameter that would make the steps ambiguous or unsafe."""


@dataclass(frozen=True)
class Parameter:
    """A value a booking page needs for its steps (a desk, a postal code, a motive…)."""

    name: str
    label: str
    default: str = ""
    # False for what a person types at the moment of an attempt (a captcha's code): never kept
    # with the page, never accepted from its stored parameters.
    stored: bool = True


class Driver(ABC):
    system: ClassVar[str]
    mode: ClassVar[Mode]
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    # CSS selectors of the challenge a person answers in an assisted attempt, most precise first.
    challenge: ClassVar[tuple[str, ...]] = CHALLENGE

    @abstractmethod
    def steps(self, config: PageConfig) -> list[Step]:
        """The navigation from the entry URL to the availability answer."""

    def ready(self, config: PageConfig) -> Ready:
        """What shows that the page has answered (nothing declared: wait for a quiet network)."""
        return Ready()

    def judge(self, snapshot: PageSnapshot, config: PageConfig) -> Classification:
        return classify(
            snapshot.html,
            status=snapshot.status,
            final_url=snapshot.final_url,
            dialogs=snapshot.dialogs,
            visible_text=snapshot.visible_text,
        )

    def value(self, config: PageConfig, name: str) -> str:
        """A parameter's configured value, else its default."""
        default = next((p.default for p in self.parameters if p.name == name), "")
        raw = config.get(name, default)
        return str(raw).strip() if raw is not None else default


def token(value: str, name: str) -> str:
    """A value safe to put inside a CSS attribute selector (letters, digits, ``_`` and ``-``)."""
    if not _TOKEN.fullmatch(value):
        raise DriverConfigError(f"{name} must be 1-40 letters, digits, '_' or '-', not {value!r}")
    return value
