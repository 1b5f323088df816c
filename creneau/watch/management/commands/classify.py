"""``creneau classify FILE_OR_URL [--json]``: what did this booking page show? No side effects.

A FILE is a saved HTML page (UTF-8, else Latin-1); ``--url``, ``--status`` and ``--dialog`` tell
what the browser knew when it was saved. A URL is visited once with the browser seam, after the
URL-safety check (loopback and private addresses need ``--allow-local`` or the
``CRENEAU_ALLOW_LOCAL_URLS`` setting, as for ``capture``); without them, every request of the
visit goes through the egress guard, redirects and subresources included.
"""

import json
import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from creneau.lib.urlsafety import UnsafeURLError, check_public_url
from creneau.watch.classify import Classification, classify
from creneau.watch.honesty import read

_URL = re.compile(r"^[a-z][a-z0-9+.-]*:(?://|[^\\/])", re.IGNORECASE)


class Command(BaseCommand):
    help = "Classe une page de prise de rendez-vous (fichier HTML ou adresse), sans rien écrire."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("target", metavar="FILE_OR_URL")
        parser.add_argument("--json", action="store_true", help="résultat en JSON")
        parser.add_argument(
            "--allow-local",
            action="store_true",
            help="accepter les adresses locales ou privées (simulateurs, tests)",
        )
        parser.add_argument("--url", default="", help="adresse finale d'une page enregistrée")
        parser.add_argument("--status", type=int, help="statut HTTP d'une page enregistrée")
        parser.add_argument(
            "--dialog",
            action="append",
            default=[],
            help="texte d'une boîte de dialogue affichée par la page (répétable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: str = options["target"]
        if _URL.match(target) and not Path(target).exists():
            allow_local = options["allow_local"] or settings.ALLOW_LOCAL_URLS
            result = _classify_url(target, allow_local=allow_local)
        else:
            result = classify(
                _read(Path(target)),
                status=options["status"],
                final_url=options["url"],
                dialogs=options["dialog"],
            )
        self.stdout.write(_render(result, as_json=options["json"]))


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(
            _("Fichier introuvable : %(path)s") % {"path": path}, returncode=1
        ) from None
    except OSError as exc:
        raise CommandError(
            _("Impossible de lire %(path)s : %(reason)s") % {"path": path, "reason": exc.strerror},
            returncode=1,
        ) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _classify_url(url: str, *, allow_local: bool) -> Classification:
    try:
        check_public_url(url, allow_local=allow_local)
    except UnsafeURLError as exc:
        raise CommandError(exc.message, returncode=1) from exc
    # Imported here so that classifying a saved file never needs Playwright or Chromium.
    from creneau.lib import browser, browsing

    try:
        # On a browser thread, never this one: Playwright's sync API would leave an event loop
        # marked as running here, which breaks the ORM and any later Playwright use.
        return read(browsing.snapshot(url, allow_local=allow_local))
    except browser.BrowserUnavailableError as exc:
        raise CommandError(
            _("Le navigateur n'a pas pu démarrer : %(reason)s") % {"reason": exc}, returncode=1
        ) from exc
    finally:
        browser.close()


def _render(result: Classification, *, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {
                "outcome": result.outcome,
                "system": result.system,
                "matched": result.matched,
                "slots": list(result.slots),
                "needs_review": result.needs_review,
            },
            ensure_ascii=False,
        )
    line = _("%(outcome)s (système : %(system)s)") % {
        "outcome": result.outcome,
        "system": result.system or _("inconnu"),
    }
    if result.matched:
        line += f" : « {result.matched} »"
    if result.needs_review:
        line += " — " + _("à vérifier par une personne")
    return line
