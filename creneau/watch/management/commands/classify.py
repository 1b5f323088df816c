"""``creneau classify FILE_OR_URL [--json]``: what did this booking page show? No side effects.

A FILE is a saved HTML page (UTF-8, else Latin-1); ``--url``, ``--status`` and ``--dialog`` tell
what the browser knew when it was saved. A URL is visited once with the browser seam, after the
URL-safety check (loopback and private addresses need ``--allow-local`` or the
``CRENEAU_ALLOW_LOCAL_URLS`` setting, as for ``capture``); without them, every request of the
visit goes through the egress guard, redirects and subresources included.

``creneau classify --evaluate DIR [--json]`` reads every page labelled in ``DIR/labels.csv``
(``file,expected``, optionally ``url``, ``status``, ``dialogs``) and prints how often the
classifier agrees with the person's reading, with and without the final URL: a confusion table,
false ``no_slot`` first. Exit 1 if there is any false ``no_slot``.
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
from creneau.watch.classify import OUTCOMES, Classification, classify
from creneau.watch.evaluate import Evaluation, LabelsError, Reading, Run, evaluate, read_page
from creneau.watch.honesty import read

_URL = re.compile(r"^[a-z][a-z0-9+.-]*:(?://|[^\\/])", re.IGNORECASE)


class Command(BaseCommand):
    help = "Classe une page de prise de rendez-vous (fichier HTML ou adresse), sans rien écrire."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("target", metavar="FILE_OR_URL", nargs="?")
        parser.add_argument("--json", action="store_true", help="résultat en JSON")
        parser.add_argument(
            "--evaluate",
            metavar="DIR",
            help="évaluer le classement d'un dossier de pages étiquetées (DIR/labels.csv)",
        )
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
        if options["evaluate"]:
            if options["target"]:
                raise CommandError(_("--evaluate ne prend pas d'autre page."), returncode=2)
            self._evaluate(Path(options["evaluate"]), as_json=options["json"])
            return
        target: str | None = options["target"]
        if not target:
            raise CommandError(
                _("Indiquez une page (FILE_OR_URL) ou --evaluate DIR."), returncode=2
            )
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

    def _evaluate(self, folder: Path, *, as_json: bool) -> None:
        try:
            report = evaluate(folder)
        except LabelsError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(_report_json(report) if as_json else _report_text(report))
        wrong = report.false_no_slot
        if wrong:
            raise CommandError(
                _("%(count)d faux « no_slot » : %(files)s")
                % {"count": len(wrong), "files": ", ".join(sorted({r.file for r in wrong}))},
                returncode=1,
            )


def _read(path: Path) -> str:
    if not path.exists():
        raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path}, returncode=1)
    try:
        return read_page(path)
    except LabelsError as exc:
        raise CommandError(
            _("Impossible de lire %(path)s : %(reason)s") % {"path": path, "reason": exc},
            returncode=1,
        ) from exc


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


# --- the evaluation report --------------------------------------------------------------------


def _reading_json(reading: Reading) -> dict[str, str]:
    return {
        "file": reading.file,
        "expected": reading.expected,
        "got": reading.got,
        "system": reading.system,
        "matched": reading.matched,
        "url": reading.url,
    }


def _run_json(run: Run) -> dict[str, object]:
    return {
        "pages": len(run.readings),
        "agreed": run.agreed,
        "agreement": round(run.agreement, 4),
        "false_no_slot": [_reading_json(r) for r in run.false_no_slot],
        "confusion": run.confusion(),
        "disagreements": [_reading_json(r) for r in run.disagreements],
    }


def _report_json(report: Evaluation) -> str:
    return json.dumps(
        {
            "folder": report.folder,
            "false_no_slot": [_reading_json(r) for r in report.false_no_slot],
            "with_url": _run_json(report.with_url),
            "without_url": _run_json(report.without_url) if report.without_url else None,
        },
        ensure_ascii=False,
    )


def _report_text(report: Evaluation) -> str:
    lines = [_("Évaluation de %(folder)s") % {"folder": report.folder}]
    wrong = report.false_no_slot
    lines.append(_("Faux « no_slot » : %(count)d") % {"count": len(wrong)})
    lines += [f"  ! {r.file} : {r.expected} → {r.got} « {r.matched} » {r.url}" for r in wrong]
    runs = [(_("avec l'adresse finale"), report.with_url)]
    if report.without_url is not None:
        runs.append((_("sans l'adresse (fichier seul)"), report.without_url))
    for title, run in runs:
        lines += ["", *_run_text(title, run)]
    return "\n".join(lines)


def _run_text(title: str, run: Run) -> list[str]:
    pages = len(run.readings)
    lines = [
        _("Accord %(title)s : %(agreed)d/%(pages)d (%(share).1f %%)")
        % {"title": title, "agreed": run.agreed, "pages": pages, "share": 100 * run.agreement}
    ]
    width = max(len(o) for o in OUTCOMES) + 1
    lines.append(
        (_("attendu \\ obtenu")).ljust(width + 2) + "".join(o[:7].rjust(8) for o in OUTCOMES)
    )
    confusion = run.confusion()
    for expected, row in confusion.items():
        cells = "".join(str(row.get(got, "·")).rjust(8) for got in OUTCOMES)
        lines.append(expected.ljust(width + 2) + cells)
    for r in run.disagreements:
        mark = "!" if r.false_no_slot else "-"
        lines.append(f"  {mark} {r.file} : {r.expected} → {r.got} « {r.matched[:80]} »")
    return lines
