import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from creneau.catalog.models import Department
from creneau.lib import signing, storage
from creneau.observatory import publication
from creneau.observatory.aggregates import Filters, by_prefecture, collect
from creneau.observatory.document import document, source_json
from creneau.observatory.importing import ImportRefusedError
from creneau.observatory.models import Source


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"date invalide : {text!r} (AAAA-MM-JJ)", returncode=2) from None


class Command(BaseCommand):
    help = (
        "The observatory: aggregates of the page watchers (--json), the signed file of this "
        "installation (publish), another installation's file (import), this installation's key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the aggregates as JSON")
        parser.add_argument("--department", help="only this département (93, 2A, 974…)")
        parser.add_argument("--since", type=_day, help="from this local day (YYYY-MM-DD)")
        parser.add_argument("--until", type=_day, help="up to this local day (YYYY-MM-DD)")
        sub = parser.add_subparsers(dest="action")
        publish = sub.add_parser("publish", help="write this installation's signed file")
        publish.add_argument("--out", type=Path, required=True)
        importing = sub.add_parser("import", help="import another installation's signed file")
        importing.add_argument("file", type=Path)
        importing.add_argument("--trust", default="", help="the publisher's key fingerprint")
        importing.add_argument("--json", action="store_true")
        key = sub.add_parser("key", help="this installation's public key and fingerprint")
        key.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action == "publish":
            self._publish(options["out"])
        elif action == "import":
            self._import(options["file"], options["trust"], options["json"])
        elif action == "key":
            self._key(options["json"])
        else:
            self._aggregates(options)

    def _aggregates(self, options: dict[str, Any]) -> None:
        department = options.get("department")
        if department and not Department.objects.filter(pk=department).exists():
            raise CommandError(f"département inconnu : {department}", returncode=1)
        filters = Filters(
            department=department, since=options.get("since"), until=options.get("until")
        )
        views = collect(filters)
        public = publication.installation_public()
        if options["json"]:
            sources = Source.objects.filter(pk__in={v.row.source_id for v in views})
            found = document(views, sources.order_by("-local", "name"), filters, public=public)
            self.stdout.write(json.dumps(found, ensure_ascii=False, indent=2))
            return
        state = "publics" if public else "privés (non publiés)"
        self.stdout.write(f"Agrégats de cette installation : {state}.")
        for group in by_prefecture(views):
            total = group.total
            share = "—" if total.share is None else f"{total.share:.1%}"
            self.stdout.write(
                f"{group.key}: {total.checks} relevés, {total.with_slots} avec créneaux "
                f"({share}), {len(group.episodes)} épisode(s)"
            )

    def _publish(self, out: Path) -> None:
        try:
            data = publication.signed_file()
        except publication.PublicationError as error:
            raise CommandError(str(error), returncode=1) from None
        storage.write_export(out, data)
        self.stderr.write(f"Fichier signé écrit : {out} (clé {publication.own_fingerprint()})")

    def _import(self, path: Path, trust: str, as_json: bool) -> None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"fichier illisible : {error}", returncode=1) from None
        try:
            source = publication.import_file(raw, trust, timezone.now())
        except ImportRefusedError as error:
            message = f"Fichier refusé, rien n'a été importé : {error}"
            raise CommandError(message, returncode=1) from None
        if as_json:
            found = {**source_json(source), "pages": source.pages.count()}
            self.stdout.write(json.dumps(found, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Importé : {source.name or source.key} ({source.pages.count()} pages)"
            )

    def _key(self, as_json: bool) -> None:
        key = signing.public_key()
        fingerprint = signing.fingerprint(key)
        if as_json:
            found = {"algorithm": signing.ALGORITHM, "public_key": key, "fingerprint": fingerprint}
            self.stdout.write(json.dumps(found))
        else:
            self.stdout.write(f"{signing.ALGORITHM} {key}\nempreinte SHA-256 : {fingerprint}")
