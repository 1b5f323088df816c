"""Helpers for the browser tests of the portal and of accessibility (tests/web/)."""

import io
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page

from creneau.catalog.loader import load_catalog
from creneau.catalog.models import Department

PASSWORD = "correct horse battery staple"
GRAVE = {"serious", "critical"}
# Violations waived on purpose, as (rule, target prefix) pairs: none today.
KNOWN: set[tuple[str, str]] = set()
_axe = Axe()


def _known(violation: dict[str, Any]) -> bool:
    targets = [str(node["target"][0]) for node in violation["nodes"]]
    return any(
        violation["id"] == rule and all(t.startswith(prefix) for t in targets)
        for rule, prefix in KNOWN
    )


def ensure_catalog() -> None:
    """Transactional tests empty every table afterwards: put the catalog back when it is gone."""
    if not Department.objects.filter(code="93").exists():
        load_catalog()


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/connexion/" not in url)


def grave_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    results = _axe.run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results.response["violations"]
        if v["impact"] in GRAVE and not _known(v)
    ]


def screenshot_png() -> bytes:
    """A small screenshot-like PNG, as a phone would send."""
    image = Image.new("RGB", (180, 320), (250, 250, 250))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def heading_alignment(page: Page) -> dict[str, float]:
    """Where the main heading's text sits inside its box (left and right gaps, in px)."""
    return page.evaluate(
        """() => {
          const h = document.querySelector('main h1');
          const range = document.createRange();
          range.selectNodeContents(h);
          const text = range.getBoundingClientRect(), box = h.getBoundingClientRect();
          return {left: text.left - box.left, right: box.right - text.right};
        }"""
    )
