"""The documented case format (``case.schema.json``): validation, import and export.

Import is all-or-nothing: every problem is collected first, with the path of the field it
concerns; nothing is written unless the whole file is valid. Export followed by import gives
back the same case, files included (they travel beside the JSON file). Format 2 adds the
person's grammatical gender, the facts that decide the route (an application lodged, a
refusal), the département confirmed against the address, channel details, court events, the
documents added for the filing, the route of the application (``procedure.channel``) and the
ANEF journey (``transfer_sections``); format 1 files still import.

Times: an offset that is the département's *other* legal offset (« +02:00 » on a November day
in Paris) is a summer offset pasted on a winter date; the time written is then read as the
local clock time it is (« 17:44 » stays 17:44), and the import says so. Any other offset is an
exact instant and kept as such.
"""

import datetime
import difflib
import hashlib
import json
import mimetypes
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from creneau.accounts.models import Organisation
from creneau.assessment.services import refresh_assessment
from creneau.cases.models import ONLINE_OUTCOMES, Attempt, AttemptFile, Case, Person
from creneau.catalog.loader import normalise_department
from creneau.catalog.models import BookingPage, Department, Procedure, guess_system
from creneau.evidence.attempts import Filed, record_attempt
from creneau.evidence.models import Blob
from creneau.evidence.states import Evidence, evidence_of
from creneau.lib import storage
from creneau.privacy import transfer_sections as sections
from creneau.privacy.models import ImportedCase
from creneau.privacy.transfer_reading import (
    PendingFile,
    Problems,
    parse_date,
    read_files,
)
from creneau.screenshots.checking import CaseReading, keep

SCHEMA = json.loads((Path(__file__).with_name("case.schema.json")).read_text())
PARIS = ZoneInfo("Europe/Paris")
PERSON_FIELDS = [
    "family_name",
    "given_names",
    "birth_date",
    "birth_place",
    "nationality",
    "email",
    "phone",
    "address",
    "foreigner_number",
]
FACT_FIELDS = ["unexecuted_oqtf", "employment", "social_benefits", "department_confirmed"]
DATE_FACTS = ["application_filed_on", "refused_on"]
FORMAT = 2


class CaseFormatError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _path(parts: Iterable[object]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_problems(data: object, problems: Problems) -> None:
    for error in sorted(Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: e.path):
        where = _path(error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1]
            problems.add(_path([*error.absolute_path, missing]), _("champ obligatoire manquant"))
        elif error.validator == "enum":
            allowed = ", ".join(str(v) for v in error.validator_value)
            problems.add(
                where,
                _("valeur « %(value)s » non reconnue (valeurs possibles : %(allowed)s)")
                % {"value": error.instance, "allowed": allowed},
            )
        elif error.validator == "type":
            problems.add(
                where, _("type incorrect (attendu : %(type)s)") % {"type": error.validator_value}
            )
        elif error.validator in {"minLength", "maxLength"}:
            problems.add(where, _("longueur incorrecte"))
        else:
            problems.add(where, error.message)


_PROPERTIES = SCHEMA["properties"]
KNOWN_KEYS: dict[str, set[str]] = {
    "": set(_PROPERTIES),
    "person": set(_PROPERTIES["person"]["properties"]),
    "procedure": set(_PROPERTIES["procedure"]["properties"]),
    "facts": set(_PROPERTIES["facts"]["properties"]),
    "attempts": set(_PROPERTIES["attempts"]["items"]["properties"]),
    "details": set(_PROPERTIES["attempts"]["items"]["properties"]["details"]["properties"]),
    "court": set(_PROPERTIES["court"]["items"]["properties"]),
    "documents": set(_PROPERTIES["documents"]["items"]["properties"]),
    "anef": set(_PROPERTIES["anef"]["properties"]),
}


def _objects(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "", "", data
    for key in ("person", "procedure", "facts", "anef"):
        if isinstance(data.get(key), dict):
            yield key, key, data[key]
    for section in ("attempts", "court", "documents"):
        items = data.get(section)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                yield section, f"{section}[{index}]", item
                if section == "attempts" and isinstance(item.get("details"), dict):
                    yield "details", f"{section}[{index}].details", item["details"]


def unknown_keys(data: dict[str, Any], problems: Problems) -> list[str]:
    """Refuse a key that looks like a misspelt known key; return the others, ignored."""
    ignored = []
    for kind, where, obj in _objects(data):
        known = KNOWN_KEYS[kind]
        for key in sorted(set(obj) - known):
            close = difflib.get_close_matches(key, sorted(known - set(obj)), n=1, cutoff=0.75)
            path = f"{where}.{key}" if where else key
            if close:
                problems.add(
                    path,
                    _("champ inconnu : vouliez-vous dire « %(known)s » ?") % {"known": close[0]},
                )
            else:
                ignored.append(path)
    return ignored


def _offset(delta: datetime.timedelta | None) -> str:
    minutes = int((delta or datetime.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_time(moment: datetime.datetime, zone: ZoneInfo) -> tuple[datetime.datetime, bool]:
    """``moment`` read in ``zone``: a naive time is local; an offset that is the zone's other
    legal offset (summer time pasted on a winter date, or the reverse) is a clock time written
    with the wrong offset, read as the local clock time; any other offset is exact.
    Returns the moment and whether its offset was corrected."""
    wall = moment.replace(tzinfo=None)
    if moment.tzinfo is None:
        return wall.replace(tzinfo=zone), False
    given, expected = moment.utcoffset(), zone.utcoffset(wall)
    year = wall.year
    legal = {
        zone.utcoffset(datetime.datetime(year, 1, 15)),
        zone.utcoffset(datetime.datetime(year, 7, 15)),
    }
    if given != expected and given in legal:
        return wall.replace(tzinfo=zone), True
    return moment, False


def parse_moment(
    value: object, path: str, problems: Problems, zone: ZoneInfo = PARIS
) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        problems.add(
            path,
            _("date et heure invalides « %(value)s » (format 2026-09-01T09:12:00+02:00)")
            % {"value": value},
        )
        return None
    moment, corrected = local_time(moment, zone)
    if corrected:
        problems.note(
            path,
            _(
                "décalage %(given)s impossible à cette date à l'heure locale (%(expected)s) : "
                "heure lue comme %(clock)s heure locale"
            )
            % {
                "given": str(value)[19:],
                "expected": _offset(moment.utcoffset()),
                "clock": f"{moment:%H:%M}",
            },
        )
    if moment > datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1):
        problems.add(path, _("date dans le futur : une tentative ne peut pas être à venir"))
        return None
    return moment


@dataclass
class Parsed:
    data: dict[str, Any]
    department: Department | None = None
    birth_date: datetime.date | None = None
    expires_on: datetime.date | None = None
    moments: list[datetime.datetime | None] = field(default_factory=list)
    files: list[list[PendingFile]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    dates: dict[str, datetime.date | None] = field(default_factory=dict)
    court: list[sections.PendingEvent] = field(default_factory=list)
    documents: list[sections.PendingDocument] = field(default_factory=list)
    anef: sections.PendingJourney | None = None
    notes: list[str] = field(default_factory=list)  # accepted, but worth saying


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _check_semantics(parsed: Parsed, base: Path, problems: Problems) -> None:
    """Checks beyond the schema; each runs on whatever part of the file is well-formed."""
    data = parsed.data
    if isinstance(data.get("department"), str):
        code = normalise_department(data["department"])
        parsed.department = Department.objects.filter(code=code).first()
        if parsed.department is None:
            problems.add("department", _("département inconnu « %(code)s »") % {"code": code})
    person, facts = _dict(data.get("person")), _dict(data.get("facts"))
    parsed.birth_date = parse_date(person.get("birth_date"), "person.birth_date", problems)
    parsed.expires_on = parse_date(
        facts.get("title_expires_on"), "facts.title_expires_on", problems
    )
    for name in DATE_FACTS:
        parsed.dates[name] = parse_date(facts.get(name), f"facts.{name}", problems)
    url = data.get("booking_url") or ""
    if isinstance(url, str) and url and not url.startswith(("https://", "http://")):
        problems.add("booking_url", _("adresse invalide : elle doit commencer par https://"))
    code = _dict(data.get("procedure")).get("code") or ""
    if isinstance(code, str) and code and not Procedure.objects.filter(slug=code).exists():
        problems.add("procedure.code", _("démarche inconnue « %(code)s »") % {"code": code})
    attempts = data.get("attempts")
    for index, attempt in enumerate(attempts if isinstance(attempts, list) else []):
        _check_attempt(parsed, _dict(attempt), f"attempts[{index}]", base, problems)
    sections.check_details(attempts, problems)
    parsed.court = sections.check_court(data.get("court"), problems)
    parsed.anef = sections.check_anef(data.get("anef"), problems)
    parsed.documents = sections.check_documents(data.get("documents"), base, problems)


def _check_attempt(
    parsed: Parsed, attempt: dict[str, Any], where: str, base: Path, problems: Problems
) -> None:
    zone = parsed.department.zone if parsed.department else PARIS
    parsed.moments.append(
        parse_moment(attempt["at"], f"{where}.at", problems, zone) if "at" in attempt else None
    )
    outcome = attempt.get("outcome")  # any JSON value, a list included (unhashable)
    known = isinstance(outcome, str) and outcome in ONLINE_OUTCOMES
    if attempt.get("channel") == "online" and not known:
        problems.add(
            f"{where}.outcome",
            _("résultat « %(outcome)s » impossible pour une tentative en ligne")
            % {"outcome": attempt.get("outcome")},
        )
    files = attempt.get("files") or []
    names = [name for name in files if isinstance(name, str)] if isinstance(files, list) else []
    parsed.files.append(read_files(names, base, where, problems))


def parse(data: object, base: Path) -> Parsed:
    """Validate a decoded case file; raise CaseFormatError listing every problem."""
    problems = Problems()
    if not isinstance(data, dict):
        raise CaseFormatError([_("le fichier doit contenir un objet JSON (un dossier)")])
    _schema_problems(data, problems)
    parsed = Parsed(data=data, ignored=unknown_keys(data, problems))
    _check_semantics(parsed, base, problems)
    if problems:
        raise CaseFormatError(problems.items)
    parsed.notes = problems.notes
    return parsed


def load_file(path: Path) -> Parsed:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CaseFormatError([_("fichier introuvable : %(path)s") % {"path": path}]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaseFormatError([_("JSON illisible : %(error)s") % {"error": exc}]) from None
    except RecursionError:
        raise CaseFormatError([_("JSON illisible : imbriqué trop profondément")]) from None
    try:
        return parse(data, path.parent)
    except RecursionError:
        raise CaseFormatError([_("JSON illisible : imbriqué trop profondément")]) from None


def _store(pending: PendingFile) -> Blob:
    stored = storage.put(pending.data)
    media_type = mimetypes.guess_type(pending.name)[0] or "application/octet-stream"
    blob, _ = Blob.objects.get_or_create(
        sha256=stored.sha256, defaults={"size": stored.size, "media_type": media_type}
    )
    return blob


def content_key(parsed: Parsed) -> str:
    """SHA-256 over the file's data (canonical JSON) and every attached file's bytes."""
    digest = hashlib.sha256(json.dumps(parsed.data, sort_keys=True, ensure_ascii=False).encode())
    for files in parsed.files:
        for pending in files:
            digest.update(f"\n{pending.name}:{hashlib.sha256(pending.data).hexdigest()}".encode())
    for document in parsed.documents:
        digest.update(f"\n{document.name}:{hashlib.sha256(document.data).hexdigest()}".encode())
    return digest.hexdigest()


def already_imported(parsed: Parsed, organisation: Organisation) -> Case | None:
    """The case this very content was imported as, in this organisation (a re-run after a
    crash or a kill, a second click): importing is idempotent."""
    found = ImportedCase.objects.filter(organisation=organisation, key=content_key(parsed))
    row = found.select_related("case").first()
    return row.case if row else None


@transaction.atomic
def import_case(
    parsed: Parsed,
    organisation: Organisation,
    user: User | None = None,
    screenshots: Mapping[tuple[int, str], CaseReading] | None = None,
) -> Case:
    """Create the case (in one transaction with its content key; see :func:`already_imported`).
    ``screenshots``: what was read on each attempt's images (``transfer_screenshots``), by
    attempt index and file name, kept beside the stored files for their attempt."""
    data = parsed.data
    person_data = data["person"]
    person = Person.objects.create(
        organisation=organisation,
        **{name: person_data.get(name) or "" for name in PERSON_FIELDS if name != "birth_date"},
        birth_date=parsed.birth_date.isoformat() if parsed.birth_date else "",
        preferred_language=person_data.get("preferred_language") or "fr",
        gender=person_data.get("gender") or "",
    )
    url = data.get("booking_url") or ""
    page = None
    if url:
        page, _ = BookingPage.objects.get_or_create(url=url, defaults={"system": guess_system(url)})
    procedure = data["procedure"]
    facts = data.get("facts") or {}
    assert parsed.department is not None
    case = Case.objects.create(
        organisation=organisation,
        person=person,
        procedure_kind=procedure["kind"],
        procedure_id=(procedure.get("code") or None),
        title=procedure.get("title") or "",
        ground=procedure.get("ground") or "",
        department=parsed.department,
        prefecture=parsed.department.sites.order_by("kind").first(),
        booking_page=page,
        title_expires_on=parsed.expires_on,
        **parsed.dates,
        particular_circumstances=facts.get("particular_circumstances") or "",
        status=data.get("status") or Case.Status.GATHERING,
        created_by=user,
        **{name: bool(facts.get(name, False)) for name in FACT_FIELDS},
    )
    attempts = data.get("attempts") or []
    created = []
    read = screenshots or {}
    rows = zip(attempts, parsed.moments, parsed.files, strict=True)
    for index, (attempt_data, moment, files) in enumerate(rows):
        assert moment is not None  # parse() refused the file otherwise
        # Files are stored as they came (no seal of their own: the journal entry hashes them);
        # sealing each on import would ask the authorities for one token per file.
        attempt = record_attempt(
            case,
            channel=attempt_data["channel"],
            outcome=attempt_data["outcome"],
            at=moment,
            note=attempt_data.get("note") or "",
            source=Attempt.Source.IMPORTED,
            files=[Filed(_store(pending), pending.name) for pending in files],
        )
        for pending in files:
            if (checked := read.get((index, pending.name))) is not None:
                keep(case, checked, attempt)
        created.append((attempt, attempt_data))
    sections.import_channel(case, procedure)
    sections.import_anef(case, parsed.anef)
    sections.import_details(case, created)
    sections.import_court(case, parsed.court, status_given="status" in data)
    sections.import_documents(case, parsed.documents)
    ImportedCase.objects.create(organisation=organisation, key=content_key(parsed), case=case)
    transaction.on_commit(lambda: refresh_assessment(case))  # lists filter on it at once
    return case


def exported_file_path(attached: AttemptFile) -> str:
    return f"files/{attached.blob.sha256[:16]}/{attached.name}"


def export_case(case: Case) -> dict[str, Any]:
    """The case in the documented format; files are named relative to the JSON file."""
    person = case.person
    attempts = list(case.attempts.all())
    evidence = evidence_of(attempts)
    return {
        "format": FORMAT,
        "person": {
            **{name: getattr(person, name) or "" for name in PERSON_FIELDS},
            "birth_date": person.birth_date or None,
            "preferred_language": person.preferred_language,
            "gender": person.gender,
        },
        "procedure": {
            "kind": case.procedure_kind,
            "title": case.title,
            "ground": case.ground,
            "code": case.procedure_id,
            **sections.export_channel(case),
        },
        "department": case.department_id,
        "booking_url": case.booking_page.url if case.booking_page else None,
        "status": case.status,
        "facts": {
            "title_expires_on": case.title_expires_on.isoformat()
            if case.title_expires_on
            else None,
            **{name: getattr(case, name) for name in FACT_FIELDS},
            **{
                name: value.isoformat() if (value := getattr(case, name)) else None
                for name in DATE_FACTS
            },
            "particular_circumstances": case.particular_circumstances or "",
        },
        "attempts": [_export_attempt(attempt, case, evidence[attempt.pk]) for attempt in attempts],
        "documents": [entry for entry, _document in sections.export_documents(case)],
        "court": sections.export_court(case),
        **sections.export_anef(case),
    }


def _export_attempt(attempt: Attempt, case: Case, evidence: Evidence) -> dict[str, Any]:
    exported = {
        "channel": attempt.channel,
        "at": attempt.at.astimezone(case.department.zone).isoformat(),
        "outcome": attempt.outcome,
        "note": attempt.note,
        "files": [exported_file_path(f) for f in attempt.files.select_related("blob")],
        # How it was proven here; ignored on import, where every attempt is declared.
        "evidence": {"state": str(evidence.state), "label": evidence.label},
    }
    details = sections.export_details(attempt)
    return exported | ({"details": details} if details else {})


def write_export(case: Case, out: Path) -> Path:
    """Write ``case.json`` and its files under ``out``; return the JSON path."""
    out.mkdir(parents=True, exist_ok=True)
    for attempt in case.attempts.all():
        for attached in attempt.files.select_related("blob"):
            target = out / exported_file_path(attached)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(storage.read(attached.blob.sha256))
    sections.write_documents(case, out)
    path = out / "case.json"
    path.write_text(json.dumps(export_case(case), ensure_ascii=False, indent=2) + "\n")
    return path
