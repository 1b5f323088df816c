import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent, Organisation
from creneau.cases.models import Case
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
from creneau.privacy.transfer_sections import DocumentImportError


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
        erasing = sub.add_parser("erase", help="erase a case, its person and its evidence")
        erasing.add_argument("case", help="case reference")
        erasing.add_argument("--yes", action="store_true", help="confirm the erasure")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"], options["org"], options["json"])
        elif options["action"] == "export":
            self._export(options["case"], options["out"])
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
        try:
            case = import_case(parsed, organisation)
        except StorageError as exc:  # a full disk, a quota: the transaction rolled back
            message = _("Preuves impossibles à stocker, rien n'a été importé : %(error)s")
            raise CommandError(message % {"error": exc}, returncode=1) from None
        except DocumentImportError as exc:  # a document refused by the evidence store
            message = _("Document refusé, rien n'a été importé : %(error)s")
            raise CommandError(message % {"error": exc}, returncode=1) from None
        audit.record(None, organisation, case.reference, AuditEvent.Action.CREATE, "import")
        if as_json:
            self.stdout.write(json.dumps({"case": case.reference}))
        else:
            self.stdout.write(_("Dossier importé : %(ref)s") % {"ref": case.reference})

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
