"""Exhibit pages: what each stored file looks like in the filed PDF.

Screenshots and scans become image pages (``documents.pdfpages``) whose caption prints, as
text, the file's SHA-256, the seal's manifest digest and each RFC 3161 token (authority,
genTime, digest of the token file copied under ``preuves/``). E-mails (.eml) are drawn with
WeasyPrint: headers, then the body. PDFs are filed as received. Nothing here writes anything.
"""

import datetime
import email
import io
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags
from PIL import Image, ImageDraw

from creneau.cases.models import Attempt, Channel, Outcome
from creneau.court.naming import token_path
from creneau.court.sources import Item, SealRef
from creneau.documents import pdfpages, render
from creneau.documents.french import PARIS, french_datetime
from creneau.evidence.readings import Checked
from creneau.evidence.states import stamp_over_blob
from creneau.watch.screenshot import message_for

STYLESHEET = Path(__file__).parent / "templates" / "court" / "pdf" / "court.css"
_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Stored:
    """An item with its bytes, read once from the store."""

    item: Item
    data: bytes

    @property
    def kind(self) -> str:
        data = self.data
        if data.startswith(_PNG) or data.startswith(b"\xff\xd8\xff"):
            return "image"
        if data.lstrip()[:5] == b"%PDF-":
            return "pdf" if _readable_pdf(data) else "other"
        if self.item.name.lower().endswith(".eml") or _looks_like_mail(data):
            return "email"
        return "other"


def _readable_pdf(data: bytes) -> bool:
    try:
        return pdfpages.page_count(data) > 0
    except pdfpages.UnreadablePdfError:
        return False


def _looks_like_mail(data: bytes) -> bool:
    head = data[:4096].lower()
    return b"\nsubject:" in head and (head.startswith(b"from:") or b"\nfrom:" in head)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _french(value: str, choices: type[Channel] | type[Outcome]) -> str:
    with translation.override("fr"):
        return str(choices(value).label)


def attempt_line(attempt: Attempt, reading: Checked | None = None) -> str:
    """« Tentative du … (en ligne) : aucun créneau »; a screenshot read without any statement
    of unavailability is never captioned « aucun créneau » as if it showed it."""
    when = french_datetime(attempt.at, attempt.case.department.zone)
    outcome = _french(attempt.outcome, Outcome)
    if reading is not None and attempt.outcome == Outcome.NO_SLOT and not reading.reading.statement:
        outcome = f"{outcome}, selon la déclaration (la capture ne le montre pas)"
    return f"Tentative du {when} ({_french(attempt.channel, Channel)}) : {outcome}".replace(
        "\u00a0", " "
    )


_READ_SOURCES = {
    "exif": "d'après les métadonnées de l'image",
    "filename": "d'après le nom du fichier",
    "png_time": "d'après la date d'enregistrement du fichier",
    "visible_clock": "d'après l'horloge datée affichée à l'écran",
}


def reading_lines(checked: Checked, zone: ZoneInfo) -> list[str]:
    """What Créneau read on a person's screenshot: what the page says, when the image says it
    was taken (and from what), where; any disagreement with the case, and who kept it."""
    read = checked.reading
    if read.statement:
        what = f"la page indique « {read.statement} »"
    elif read.outcome == Outcome.SLOTS_AVAILABLE:
        what = "la page montre des créneaux"
    else:
        what = "aucune phrase indiquant l'absence de créneau n'a pu être lue"
    lines = [f"Lu sur la capture (lecture automatique par Créneau) : {what}."]
    clock = f" ; heure affichée à l'écran : {read.clock}" if read.clock else ""
    source = _READ_SOURCES.get(read.taken_at_source)
    if read.taken_at is not None and source:
        taken = french_datetime(read.taken_at, zone).replace("\u00a0", " ")
        lines.append(f"Capture prise le {taken} {source}{clock}.")
    else:
        lines.append(f"L'image ne donne pas sa date{clock} : la date est celle déclarée.")
    where = [f"adresse : {read.host}"] if read.host else []
    where += [f"administration nommée : {read.prefecture}"] if read.prefecture else []
    if where:
        lines.append("Lu sur la capture : " + " ; ".join(where) + ".")
    lines += _disagreements(checked)
    return lines


def _disagreements(checked: Checked) -> list[str]:
    with translation.override("fr"):
        found = [message_for(w) for w in checked.reading.warnings]
    if not found:
        return []
    lines = ["Écart relevé par la lecture : " + " ".join(found)]
    override = checked.override
    if override is not None:
        day = override.created_at.astimezone(PARIS).strftime("%d/%m/%Y")
        lines.append(
            f"Capture retenue par l'association le {day}, après vérification : « {override.note} »"
        )
    return lines


def seal_lines(seal: SealRef | None, sequence: int | None) -> list[str]:
    """The caption's proof lines: the manifest, then each token that verifies against the
    configured roots (``evidence.states``), or why there is none. A token that does not verify
    is named as such, never as a timestamp."""
    entry = f" (entrée n° {sequence})" if sequence else ""
    if seal is None:
        return [
            "Fichier versé sans scellé d'origine : son empreinte SHA-256 est inscrite au journal "
            f"des démarches{entry}, le jour où il y a été enregistré."
        ]
    lines = [f"Manifeste SHA-256 {seal.manifest_sha256}"]
    started = datetime.datetime.fromisoformat(seal.started_at) if seal.started_at else None
    verified = 0
    for number, token in enumerate(seal.tokens, start=1):
        stamp = stamp_over_blob(token.response_sha256, seal.manifest_sha256, started)
        where = f"({token_path(seal.manifest_sha256, number)})"
        if stamp is None:
            lines.append(
                f"Jeton n° {number} ({token.tsa_name or token.tsa_url}) : non vérifié avec les "
                f"racines configurées ; ce n'est pas un horodatage établi {where}"
            )
            continue
        verified += 1
        lines.append(
            f"Horodatage RFC 3161 n° {number} vérifié : {stamp.tsa}, {utc(stamp.at)}, "
            f"jeton SHA-256 {token.response_sha256} {where}"
        )
    if not verified:
        lines.append(
            "Horodatage en attente : aucun jeton vérifié à ce jour ; l'empreinte figure au "
            f"journal des démarches{entry}."
        )
    return lines


def caption(stored: Stored) -> tuple[str, ...]:
    item = stored.item
    lines = [attempt_line(item.attempt, item.reading)] if item.attempt else []
    if item.url:
        lines.append(f"Adresse : {item.url}")
    if item.reading is not None and item.attempt is not None:
        lines += reading_lines(item.reading, item.attempt.case.department.zone)
    lines.append(f"Fichier : {item.name} — SHA-256 {item.sha256}")
    return (*lines, *seal_lines(item.seal, item.journal_sequence))


def image_page(stored: Stored, label: str) -> pdfpages.ImagePage:
    return pdfpages.ImagePage(stored.data, label, caption(stored))


@cache
def no_screenshot_png() -> bytes:
    """A plain panel standing where an attempt has no screenshot, so the series stays whole."""
    image = Image.new("L", (1366, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1365, 299), outline=120, width=3)
    draw.text((40, 130), "Aucune capture d'ecran conservee pour cette tentative", fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def missing_screenshot_page(attempt: Attempt, sequence: int | None, label: str) -> Any:
    entry = f"à l'entrée n° {sequence} du journal" if sequence else "au journal"
    lines = (
        attempt_line(attempt),
        f"Aucune capture d'écran n'a été conservée pour cette tentative ; elle est consignée "
        f"{entry}.",
    )
    return pdfpages.ImagePage(no_screenshot_png(), label, lines)


def html_pdf(
    template: str, context: dict[str, Any], *, title: str, label: str = "", first_page: int = 1
) -> bytes:
    """A WeasyPrint page set from ``court/pdf/<template>``.

    With ``label`` (« P4 »), pages are numbered « P4-1 », « P4-2 »… from ``first_page``, as the
    image pages of the same exhibit are; otherwise « Page 1 sur 3 ».
    """
    html = render_to_string(f"court/pdf/{template}", {**context, "title": title})
    css = STYLESHEET.read_text(encoding="utf-8")
    if label:
        css += f'@page {{ @top-right {{ content: "{label}-" counter(page); font-size: 11pt; }} }}'
        css += f"@page :first {{ counter-reset: page {first_page}; }}"
    else:
        css += (
            '@page { @bottom-center { content: "Page " counter(page) " sur " counter(pages); '
            "font-size: 8pt; } }"
        )
    return render.pdf_from_html(html, stylesheet=css, title=title)


def parse_mail(data: bytes) -> dict[str, Any]:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    headers = [
        (name, str(message[name]))
        for name in ("From", "To", "Cc", "Date", "Subject", "Message-ID")
        if message[name]
    ]
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = str(body.get_content())
        if body.get_content_type() == "text/html":
            text = strip_tags(text)
    attachments = [
        (part.get_filename() or "(sans nom)", len(part.get_payload(decode=True) or b""))
        for part in message.iter_attachments()
    ]
    return {"headers": headers, "body": text.strip(), "attachments": attachments}


def email_pdf(stored: Stored, label: str, first_page: int) -> bytes:
    context = {"mail": parse_mail(stored.data), "proof": caption(stored)}
    title = f"Courriel {stored.item.name}"
    return html_pdf("email.html", context, title=title, label=label, first_page=first_page)


def placeholder_pdf(
    number: int, title: str, lines: list[str], label: str, first_page: int = 1
) -> bytes:
    """A page saying what the exhibit lacks (plain text: no layout engine needed)."""
    spaced = [line for text in lines for line in (text, "")]
    return pdfpages.text_pages(
        f"Pièce n° {number} : {title}", spaced, label=label, first_page=first_page
    )
