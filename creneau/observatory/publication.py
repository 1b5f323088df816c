"""Whether this installation publishes, and the signed file installations exchange.

Publication is off until turned on: an organisation's admins choose for their organisation, and
the installation publishes only when every organisation it hosts said yes.

The signed file (format ``creneau-observatory-export/1``) holds this installation's published
pages only — their public address, system, département, prefecture site, démarche, time zone,
counts per local day and hour, and episodes — never a case, a person, an organisation member or
a page label. It is ``{"signed": DATA, "signature": {"algorithm": "Ed25519", "public_key",
"value"}}``, the signature being over the canonical JSON of DATA (sorted keys, no spaces,
UTF-8). An importing installation verifies the signature, pins the publisher's key the first
time (the administrator gives its fingerprint, checked with the publisher), keeps the file in
its store and shows the data under that source.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from creneau.accounts.models import Organisation
from creneau.evidence.seal import blob_row, canonical_json
from creneau.lib import signing, storage
from creneau.observatory.aggregates import Filters
from creneau.observatory.document import LICENCE, episode_json
from creneau.observatory.importing import ImportRefusedError, replace_pages
from creneau.observatory.journal import HOUR_COLUMNS, hour_rows
from creneau.observatory.models import (
    CheckHour,
    Episode,
    ObservedPage,
    Publication,
    Source,
)
from creneau.observatory.pages import local_source

EXPORT_FORMAT = "creneau-observatory-export/1"


class PublicationError(Exception):
    """This installation does not publish (yet): no signed file is made."""


# --- The choice ------------------------------------------------------------------------------


def installation_public() -> bool:
    organisations = Organisation.objects.all()
    if not organisations.exists():
        return False
    return not organisations.exclude(observatory_publication__public=True).exists()


def set_public(organisation: Organisation, public: bool, user: User | None) -> Publication:
    row, _ = Publication.objects.update_or_create(
        organisation=organisation, defaults={"public": public, "changed_by": user}
    )
    return row


def shown_sources() -> list[Source]:
    """The sources the public pages show: every imported one, this installation when public."""
    rows = Source.objects.filter(local=False)
    found = list(rows.order_by("name"))
    if installation_public():
        found.insert(0, local_source())
    return found


def public_filters(**chosen: Any) -> Filters:
    sources = tuple(source.pk for source in shown_sources())
    return Filters(sources=sources, published_only=True, **chosen)


def publisher_name() -> str:
    if settings.OBSERVATORY_PUBLISHER:
        return str(settings.OBSERVATORY_PUBLISHER)
    return ", ".join(Organisation.objects.order_by("name").values_list("name", flat=True))


# --- The signed file -------------------------------------------------------------------------


def export_data(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    rows = list(ObservedPage.objects.filter(source__local=True, published=True).order_by("key"))
    hours: dict[int, dict[str, list[CheckHour]]] = defaultdict(lambda: defaultdict(list))
    for hour in CheckHour.objects.filter(observed__in=rows).order_by("day", "hour"):
        hours[hour.observed_id][hour.day.isoformat()].append(hour)
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for episode in Episode.objects.filter(observed__in=rows).order_by("first_seen"):
        episodes[episode.observed_id].append(episode)
    days = sorted({day for by_day in hours.values() for day in by_day})
    return {
        "format": EXPORT_FORMAT,
        "publisher": {"name": publisher_name(), "url": settings.SITE_URL},
        "generated_at": now.astimezone().isoformat(),
        "licence": LICENCE,
        "first_day": days[0] if days else None,
        "last_day": days[-1] if days else None,
        "hour_columns": list(HOUR_COLUMNS),
        "pages": [
            {
                "key": row.key,
                "url": row.url,
                "system": row.system,
                "department": row.department_id,
                "prefecture": (
                    {"name": row.prefecture_name, "kind": row.prefecture_kind}
                    if row.prefecture_name
                    else None
                ),
                "procedure": row.procedure_id,
                "time_zone": row.time_zone,
                "days": [
                    {"day": day, "hours": hour_rows(cells)} for day, cells in hours[row.pk].items()
                ],
                "episodes": [_episode(e) for e in episodes[row.pk]],
            }
            for row in rows
        ],
    }


def _episode(episode: Episode) -> dict[str, Any]:
    data = episode_json(episode)
    data.pop("seen_seconds")
    return data


def signed_file(now: datetime | None = None) -> bytes:
    """The signed file of this installation's published aggregates."""
    if not installation_public():
        raise PublicationError(
            "Les agrégats de cette installation ne sont pas publics : chaque organisation doit "
            "d'abord accepter la publication (Compte › Observatoire)."
        )
    data = export_data(now)
    envelope = {
        "signed": data,
        "signature": {
            "algorithm": signing.ALGORITHM,
            "public_key": signing.public_key(),
            "value": signing.sign(canonical_json(data)),
        },
    }
    return json.dumps(envelope, ensure_ascii=False, indent=1).encode()


@dataclass(frozen=True)
class Verified:
    data: dict[str, Any]
    public_key: str
    fingerprint: str


def verify_file(raw: bytes) -> Verified:
    try:
        envelope = json.loads(raw)
        data, signature = envelope["signed"], envelope["signature"]
        key, value = str(signature["public_key"]), str(signature["value"])
    except (ValueError, KeyError, TypeError):
        raise ImportRefusedError("fichier illisible : ce n'est pas un fichier signé") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ImportRefusedError(f"format inconnu (attendu : {EXPORT_FORMAT})")
    if signature.get("algorithm") != signing.ALGORITHM:
        raise ImportRefusedError(f"algorithme de signature inconnu (attendu : {signing.ALGORITHM})")
    try:
        signing.verify(canonical_json(data), value, key)
        return Verified(data, key, signing.fingerprint(key))
    except signing.SignatureError as error:
        raise ImportRefusedError(f"signature invalide : {error}") from None


def own_fingerprint() -> str:
    return signing.fingerprint(signing.public_key())


@transaction.atomic
def import_file(raw: bytes, trust: str = "", now: datetime | None = None) -> Source:
    """Verify and import another installation's file; see the module docstring."""
    verified = verify_file(raw)
    if verified.fingerprint == own_fingerprint():
        raise ImportRefusedError("c'est le fichier de cette installation-ci")
    source = Source.objects.filter(key=verified.fingerprint).first()
    if source is None and trust.lower() != verified.fingerprint:
        raise ImportRefusedError(
            "éditeur encore inconnu : vérifiez auprès de lui l'empreinte de sa clé, "
            f"{verified.fingerprint}, puis relancez avec --trust {verified.fingerprint}"
        )
    generated = _generated_at(verified.data)
    if source is not None and source.generated_at and generated <= source.generated_at:
        raise ImportRefusedError("ce fichier n'est pas plus récent que le dernier importé")
    publisher = verified.data.get("publisher") or {}
    source = source or Source(key=verified.fingerprint)
    source.name = str(publisher.get("name") or "")[:200]
    source.url = str(publisher.get("url") or "")[:300]
    source.public_key = verified.public_key
    source.generated_at = generated
    source.imported_at = now or timezone.now()
    storage.put(raw)
    source.file = blob_row(raw, "application/json")
    source.save()
    replace_pages(source, verified.data)
    return source


def _generated_at(data: dict[str, Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(data["generated_at"]))
    except (KeyError, ValueError):
        raise ImportRefusedError("date de production du fichier illisible") from None
    if moment.tzinfo is None:
        raise ImportRefusedError("date de production du fichier sans fuseau horaire")
    return moment
