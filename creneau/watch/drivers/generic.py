"""The generic driver: any booking page, described in the admin by the texts it shows.

Configuration (``GenericSiteConfig.page_config()``):

- ``no_slot_texts``: sentences that mean "no slot" on this site;
- ``slot_texts`` and ``slot_selectors``: sentences or CSS selectors that mean "slots";
- ``steps``: optional navigation, a list of ``{"action", "selector", "value", "optional"}``.

Judgement: the generic classifier's error, captcha and waiting-room detection first; then
visible slot evidence (configured, or the classifier's own); then a configured no-slot text,
visible, stated for the whole page and with nothing on the page that may offer a time
(``classify.stands_for_the_page``). Never ``no_slot`` without a configured text a person can
see: hidden markup and page source prove nothing.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import ClassVar

from creneau.lib.browser import PageSnapshot, Ready, Step
from creneau.watch.classify import Classification, stands_for_the_page
from creneau.watch.drivers.base import Driver, DriverConfigError, Mode, PageConfig

SYSTEM = "generic"
STEP_ACTIONS = frozenset({"click", "check", "select", "fill", "wait_for", "press"})
STEP_KEYS = frozenset({"action", "selector", "value", "optional"})
MAX_STEPS = 20
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "«": '"', "»": '"'})


def fold(text: str) -> str:
    """Text as compared: compatibility forms, one apostrophe, case-folded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return re.sub(r"\s+", " ", text).strip()


def texts(config: PageConfig, name: str) -> list[str]:
    """A list of non-empty texts, from a list or from one text with one item per line."""
    raw = config.get(name) or []
    items = raw.splitlines() if isinstance(raw, str) else raw
    if not isinstance(items, Iterable):
        raise DriverConfigError(f"{name} must be a list of texts")
    return [str(item).strip() for item in items if str(item).strip()]


def parse_steps(data: object) -> list[Step]:
    """Configured steps as :class:`Step` values; refuses anything the admin should not allow.

    ``goto`` is refused: the page URL is the one address an attempt may visit first, and it is
    checked where the page is saved.
    """
    if data in (None, ""):
        return []
    if not isinstance(data, list):
        raise DriverConfigError("les étapes doivent être une liste JSON")
    if len(data) > MAX_STEPS:
        raise DriverConfigError(f"au plus {MAX_STEPS} étapes")
    return [_parse_step(number, item) for number, item in enumerate(data, start=1)]


def _parse_step(number: int, item: object) -> Step:
    if not isinstance(item, dict):
        raise DriverConfigError(f"étape {number} : un objet JSON est attendu")
    unknown = set(item) - STEP_KEYS
    if unknown:
        raise DriverConfigError(f"étape {number} : clés inconnues {sorted(unknown)}")
    action = item.get("action")
    if action not in STEP_ACTIONS:
        raise DriverConfigError(
            f"étape {number} : action {action!r} inconnue ({', '.join(sorted(STEP_ACTIONS))})"
        )
    selector, value, optional = (
        item.get("selector", ""),
        item.get("value", ""),
        item.get("optional", False),
    )
    if not isinstance(selector, str) or not selector.strip():
        raise DriverConfigError(f"étape {number} : un sélecteur CSS est attendu")
    if not isinstance(value, str) or not isinstance(optional, bool):
        raise DriverConfigError(f"étape {number} : « value » est un texte, « optional » un booléen")
    return Step(action, selector.strip(), value, optional)


class GenericDriver(Driver):
    system = SYSTEM
    mode: ClassVar[Mode] = "automatic"

    def steps(self, config: PageConfig) -> list[Step]:
        probes = [Step("probe", selector) for selector in texts(config, "slot_selectors")]
        return [*parse_steps(config.get("steps")), *probes]

    def ready(self, config: PageConfig) -> Ready:
        """The site's answers, as configured: one of its texts or slot selectors shown (and
        nothing in flight) means the page has answered. Without any, the quiet-time fallback."""
        shown = (*texts(config, "no_slot_texts"), *texts(config, "slot_texts"))
        return Ready(selectors=tuple(texts(config, "slot_selectors")), texts=shown)

    def judge(self, snapshot: PageSnapshot, config: PageConfig) -> Classification:
        base = super().judge(snapshot, config)
        if base.outcome in {"error", "captcha", "queue"}:
            return base
        status = snapshot.status or 0
        if status >= 400:
            return Classification("error", SYSTEM, f"HTTP {status}", needs_review=True)
        found = _slots(snapshot, config)
        if found is not None:
            return found
        if base.outcome == "slots_available":
            return base
        said = _no_slot(snapshot, config)
        if said is not None:
            return said
        if base.outcome == "closed":
            return base
        return Classification("unknown", SYSTEM, needs_review=True)


def _seen(snapshot: PageSnapshot) -> str:
    """What a person saw: the page's visible text and the dialogs it opened."""
    return fold("\n".join([snapshot.visible_text, *snapshot.dialogs]))


def _slots(snapshot: PageSnapshot, config: PageConfig) -> Classification | None:
    for probe in snapshot.probes:
        if probe.count:
            shown = tuple(text for text in probe.texts if text)
            return Classification(
                "slots_available", SYSTEM, shown[0] if shown else probe.selector, shown
            )
    seen = _seen(snapshot)
    for text in texts(config, "slot_texts"):
        if fold(text) in seen:
            return Classification("slots_available", SYSTEM, text)
    return None


def _no_slot(snapshot: PageSnapshot, config: PageConfig) -> Classification | None:
    seen = _seen(snapshot)
    for text in texts(config, "no_slot_texts"):
        if fold(text) not in seen:
            continue
        if stands_for_the_page(snapshot.html, snapshot.visible_text, text, snapshot.dialogs):
            return Classification("no_slot", SYSTEM, text)
        # Said for one day, site or agent, or beside something that may offer a time.
        return Classification("unknown", SYSTEM, text, needs_review=True)
    return None
