"""The optional availability record (« Relevé de disponibilité de la page de rendez-vous de la
préfecture de … du … au … »), drawn from the observatory's rows when the bundle is built.

A volunteer chooses it on the court page (``observatory.AvailabilityExhibit``); it joins the
plan as an added document of kind ``availability`` (right after the chart of the attempts). Its
file states the figures, the chart, exactly what is sealed and what is only counted, each
sealed check with its manifest and tokens, and the page's day journal. Its proofs go with the
bundle's: each sealed check's manifest and tokens under ``preuves/scelles/`` (verified by
``creneau verify`` like those of the attempts), the day journal as
``preuves/observatoire/<page>.json`` (verified like the case journal) and the journal's anchors.
"""

import json
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.safestring import mark_safe

from creneau.catalog.legal import citation
from creneau.court.exhibit_files import Drawn
from creneau.court.naming import PROOFS
from creneau.court.pages import html_pdf, utc
from creneau.court.sources import Item, seal_ref
from creneau.documents.exhibits import AVAILABILITY, Exhibit
from creneau.documents.french import french_date, french_datetime
from creneau.evidence.capture import SCREENSHOT, STAMPED
from creneau.evidence.models import Capture
from creneau.lib import storage
from creneau.observatory import charts
from creneau.observatory.aggregates import french_percent
from creneau.observatory.exhibit import Record, record
from creneau.observatory.models import AvailabilityExhibit

KIND = AVAILABILITY
JOURNALS = f"{PROOFS}/observatoire"
OUTCOME_LABELS = {
    "slots_available": "créneaux proposés",
    "no_slot": "aucun créneau (dit par la page, pour toute la page)",
    "closed": "service de réservation fermé",
    "error": "erreur du site ou page injoignable",
    "captcha": "vérification humaine (captcha)",
    "queue": "file d'attente",
    "unknown": "page non reconnue",
}
REASONS = {
    "daily": "premier relevé concluant du jour",
    "appeared": "apparition de créneaux",
    "gone": "disparition des créneaux",
}


def _item(capture: Capture) -> Item:
    artefacts = {a.name: a.blob.sha256 for a in capture.seal.artefacts.all()}
    name = STAMPED if STAMPED in artefacts else SCREENSHOT
    started = capture.started_at.astimezone(ZoneInfo("UTC")).isoformat()
    return Item(
        name,
        artefacts[name],
        seal_ref(capture.seal, started),
        None,
        str(capture.pk),
        capture.final_url or capture.url,
    )


def _watcher() -> dict[str, Any]:
    low, _sep, high = settings.WATCH_MINUTES.partition("-")
    return {
        "hours": settings.WATCH_HOURS,
        "days": settings.WATCH_DAYS,
        "low": low,
        "high": high or low,
        "refill": settings.POLITENESS_REFILL_SECONDS,
        "seals_per_day": settings.OBSERVATORY_SEALS_PER_DAY,
    }


def context(found: Record, exhibit: Exhibit) -> dict[str, Any]:
    zone = ZoneInfo(found.observed.time_zone)
    total = found.total
    prefix = f"p{exhibit.number}"
    sealed = [
        {
            "at": french_datetime(row.at, zone),
            "outcome": OUTCOME_LABELS.get(row.outcome, row.outcome),
            "reason": REASONS.get(row.reason, row.reason),
            "manifest": row.capture.seal.manifest.sha256,
            "tokens": [utc(t.gen_time) for t in row.capture.seal.tokens.all()],
        }
        for row in found.sealed
    ]
    first_capture = found.sealed[0].capture if found.sealed else None
    return {
        "exhibit": exhibit,
        "record": found,
        "page": found.observed,
        "first": french_date(found.first_day),
        "last": french_date(found.last_day),
        "total": total,
        "share": french_percent(total.percent),
        "outcomes": [(OUTCOME_LABELS[k], v) for k, v in total.outcomes.items()],
        "episodes": [
            {
                "first": french_datetime(e.first_seen, zone),
                "last": french_datetime(e.last_seen, zone),
                "closed": french_datetime(e.closed_at, zone) if e.closed_at else "",
                "checks": e.checks,
            }
            for e in found.view.episodes
        ],
        "sealed": sealed,
        "counted": total.checks - len(found.sealed),
        "watcher": _watcher(),
        "user_agent": first_capture.user_agent if first_capture else "",
        "anchors": [
            {
                "sequence": a.entry.sequence,
                "day": french_date(a.entry.day),
                "tsa": a.tsa_url,
                "gen_time": utc(a.gen_time),
                "hash": a.head_hash,
            }
            for a in found.anchors
        ],
        "journal_file": f"{JOURNALS}/{found.observed.key}.json",
        "days_svg": mark_safe(charts.by_day_svg(found.view.by_day, prefix)),  # noqa: S308
        "hours_svg": mark_safe(charts.by_hour_svg(found.view.by_hour, prefix)),  # noqa: S308
        "referral": citation("cja_l521_3"),
    }


def draw(case: Any, exhibit: Exhibit) -> Drawn:
    """The exhibit's PDF, the sealed checks it derives from, and its journal proofs."""
    row = AvailabilityExhibit.objects.select_related("observed__department").get(
        pk=exhibit.document_ids[0], case=case
    )
    found = record(row.observed, row.first_day, row.last_day)
    pdf = html_pdf(
        "availability.html",
        context(found, exhibit),
        title=exhibit.label,
        label=f"P{exhibit.number}",
    )
    warnings = []
    if found.unchained_days:
        warnings.append(
            f"Pièce n° {exhibit.number} : {len(found.unchained_days)} jour(s) du relevé ne sont "
            "pas encore inscrits au journal de la page (la tâche « observatory » les inscrit "
            "chaque heure) ; la pièce le dit."
        )
    proofs = {f"{JOURNALS}/{row.observed.key}.json": _journal(found)}
    for anchor in found.anchors:
        path = f"{JOURNALS}/{row.observed.key}/ancrages/{anchor.entry.sequence}-{anchor.pk}.tsr"
        proofs[path] = storage.read(anchor.response.sha256)
    items = tuple(_item(sealed.capture) for sealed in found.sealed)
    return Drawn([pdf], items, warnings, proofs=proofs)


def _journal(found: Record) -> bytes:
    return json.dumps(found.chain, ensure_ascii=False, indent=1).encode()
