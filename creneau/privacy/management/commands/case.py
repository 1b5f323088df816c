import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent, Organisation
from creneau.cases.models import Case, Channel, Outcome
from creneau.lib.storage import StorageError
from creneau.privacy.erasure import erase_case
from creneau.privacy.transfer import (
    CaseFormatError,
    already_imported,
    export_case,
    import_case,
    load_file,
    write_export,
)
from creneau.privacy.transfer_screenshots import FileReading, read_screenshots
from creneau.privacy.transfer_sections import DocumentImportError
from creneau.screenshots.bulk import report, run_import
from creneau.screenshots.models import ScreenshotImport


class Command(BaseCommand):
    help = "Import or export a case in the documented JSON format (docs/case-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="import a case file")
        importing.add_argument("file", type=Path)
        importing.add_argument("--org", help="organisation slug (default: the only one)")
        importing.add_argument("--json", action="store_true")
        exporting = sub.add_parser("export", help="export a case")
        exporting.add_argument("case", help="case reference")
        exporting.add_argument("--out", type=Path, help="folder for case.json and its files")
        exporting.add_argument("--json", action="store_true")
        shots = sub.add_parser(
            "screenshots", help="import a folder or zip of screenshots as attempts of a case"
        )
        shots.add_argument("case", help="case reference")
        shots.add_argument("path", type=Path, help="a folder, a zip or one image")
        shots.add_argument(
            "--outcome",
            default=Outcome.NO_SLOT,
            choices=[Outcome.NO_SLOT, Outcome.CLOSED, Outcome.ERROR, Outcome.UNKNOWN],
            help="what the screenshots show, as declared (default: no_slot)",
        )
        shots.add_argument("--json", action="store_true")
        erasing = sub.add_parser("erase", help="erase a case, its person and its evidence")
        erasing.add_argument("case", help="case reference")
        erasing.add_argument("--yes", action="store_true", help="confirm the erasure")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"], options["org"], options["json"])
        elif options["action"] == "export":
            self._export(options["case"], options["out"])
        elif options["action"] == "screenshots":
            self._screenshots(options["case"], options["path"], options["outcome"], options["json"])
        else:
            self._erase(options["case"], options["yes"])

    def _import(self, path: Path, slug: str | None, as_json: bool) -> None:
        organisation = pick_organisation(slug)
        try:
            parsed = load_file(path)
        except CaseFormatError as exc:
            lines = "\n".join(f"  - {problem}" for problem in exc.problems)
            message = _("Fichier refusé, rien n'a été importé :\n%(lines)s") % {"lines": lines}
            raise CommandError(message, returncode=1) from None
        for key in parsed.ignored:
            self.stderr.write(_("champ ignoré : %(key)s") % {"key": key})
        for note in parsed.notes:
            self.stderr.write(note)
        existing = already_imported(parsed, organisation)
        if existing is not None:
            if as_json:
                self.stdout.write(
                    json.dumps({"case": existing.reference, "already_imported": True})
                )
            else:
                self.stdout.write(
                    _("Ce fichier est déjà importé : dossier %(ref)s (rien n'a été ajouté).")
                    % {"ref": existing.reference}
                )
            return
        read = read_screenshots(parsed, settings.TIME_ZONE)
        self._tell(read)
        by_file = {(r.index, r.name): r.checked for r in read if r.checked is not None}
        try:
            case = import_case(parsed, organisation, screenshots=by_file)
        except StorageError as exc:  # a full disk, a quota: the transaction rolled back
            message = _("Preuves impossibles à stocker, rien n'a été importé : %(error)s")
            raise CommandError(message % {"error": exc}, returncode=1) from None
        except DocumentImportError as exc:  # a document refused by the evidence store
            message = _("Document refusé, rien n'a été importé : %(error)s")
            raise CommandError(message % {"error": exc}, returncode=1) from None
        audit.record(None, organisation, case.reference, AuditEvent.Action.CREATE, "import")
        if as_json:
            shots = [r.as_json() for r in read]
            self.stdout.write(
                json.dumps({"case": case.reference, "screenshots": shots}, ensure_ascii=False)
            )
        else:
            self.stdout.write(_("Dossier importé : %(ref)s") % {"ref": case.reference})

    def _tell(self, read: list[FileReading]) -> None:
        """Each screenshot that shows something else, on standard error (it is still imported,
        set aside until a volunteer decides)."""
        for item in read:
            where = f"attempts[{item.index}] {item.name}"
            if item.checked is None:
                self.stderr.write(
                    _("%(where)s : capture non lue (%(why)s)")
                    % {"where": where, "why": item.reason}
                )
                continue
            for warning in item.checked.warnings:
                self.stderr.write(f"{where} : {warning.message}")

    def _screenshots(self, reference: str, path: Path, outcome: str, as_json: bool) -> None:
        """Each file read, checked and recorded as an attempt (progress on standard error)."""
        case = find_case(reference)
        job = ScreenshotImport.objects.create(
            case=case, channel=Channel.ONLINE, outcome=outcome, source=str(path.absolute())
        )

        def progress(done: int, total: int, name: str) -> None:
            if name:
                self.stderr.write(f"{done + 1}/{total} {name}")

        job = run_import(str(job.pk), progress)
        if job.state == ScreenshotImport.State.FAILED:
            raise CommandError(job.error, returncode=1)
        audit.record(
            None, case.organisation, case.reference, AuditEvent.Action.CHANGE, "import de captures"
        )
        done = report(job)
        if as_json:
            self.stdout.write(json.dumps(done, ensure_ascii=False, indent=2))
            return
        for entry in done["files"]:
            why = entry.get("reason") or "; ".join(w["message"] for w in entry.get("warnings", []))
            self.stdout.write(f"{entry['name']} : {entry['status']}" + (f" — {why}" if why else ""))
        self.stdout.write(
            _("%(n)d tentatives enregistrées, %(a)d mises de côté, %(s)d fichiers non importés.")
            % {"n": done["recorded"], "a": done["set_aside"], "s": done["skipped"]}
        )

    def _export(self, reference: str, out: Path | None) -> None:
        case = find_case(reference)
        audit.record(None, case.organisation, case.reference, AuditEvent.Action.EXPORT)
        if out is not None:
            path = write_export(case, out)
            self.stderr.write(_("Dossier exporté dans %(path)s") % {"path": path})
        self.stdout.write(json.dumps(export_case(case), ensure_ascii=False, indent=2))

    def _erase(self, reference: str, confirmed: bool) -> None:
        case = find_case(reference)
        if not confirmed:
            raise CommandError(ERASE_WARNING % {"ref": case.reference}, returncode=1)
        erased = erase_case(case)
        audit.record(None, None, erased.reference, AuditEvent.Action.ERASE)
        self.stderr.write(
            _("Dossier %(ref)s effacé : %(n)d tentatives, %(f)d fichiers de preuve.")
            % {"ref": erased.reference, "n": erased.attempts, "f": erased.files_removed}
        )
        for reason in erased.kept:
            self.stderr.write(_("Copie non supprimée par le stockage : %(why)s") % {"why": reason})


ERASE_WARNING = _(
    "Effacer le dossier %(ref)s supprime définitivement l'identité de la personne, ses "
    "tentatives, son journal et ses preuves. Si une procédure devant le tribunal est "
    "en cours ou possible, ces preuves peuvent encore être nécessaires : exportez d'abord le "
    "dossier (creneau case export … --out DOSSIER). Pour confirmer, relancez avec --yes."
)


def find_case(reference: str) -> Case:
    case = Case.objects.filter(reference=reference.strip().upper()).first()
    if case is None:
        raise CommandError(_("Dossier inconnu : %(ref)s") % {"ref": reference}, returncode=1)
    return case


def pick_organisation(slug: str | None) -> Organisation:
    """The named organisation, or the only one; the first one is created on a fresh install."""
    organisations = Organisation.objects.all()
    if not organisations.exists():
        slug = slug or "mon-association"
        return Organisation.objects.create(slug=slug, name=slug.replace("-", " ").capitalize())
    if slug:
        found = organisations.filter(slug=slug).first()
        if found is None:
            known = ", ".join(organisations.values_list("slug", flat=True))
            raise CommandError(
                _("Organisation inconnue : %(slug)s (connues : %(known)s)")
                % {"slug": slug, "known": known},
                returncode=1,
            )
        return found
    if organisations.count() > 1:
        known = ", ".join(organisations.values_list("slug", flat=True))
        raise CommandError(
            _("Plusieurs organisations : précisez --org parmi %(known)s") % {"known": known},
            returncode=1,
        )
    return organisations.get()
