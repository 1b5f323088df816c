"""Two ANEF-blocked cases in the case format, with their files: a renewal and a student's first
application. Used by the command-line journey tests and to read the generated PDFs by hand."""

import io
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

TODAY = "2026-12-03"
ERROR = "Une erreur technique est survenue. Veuillez réessayer ultérieurement."


def screenshot(text: str) -> bytes:
    """A phone screenshot of an ANEF error page (what a person sends)."""
    image = Image.new("RGB", (360, 640), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.text((12, 40), "administration-etrangers-en-france", fill=(0, 0, 90))
    draw.text((12, 120), text[:48], fill=(160, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def ccc_answer(ticket: str, certifies: bool) -> bytes:
    message = EmailMessage()
    message["From"] = "ne-pas-repondre@contact-ccc.example"
    message["To"] = "personne@example.org"
    message["Subject"] = f"Votre demande d'assistance n° {ticket}"
    message["Date"] = "Thu, 10 Sep 2026 14:02:00 +0200"
    body = f"Votre demande n° {ticket} a bien été prise en compte."
    if certifies:
        body += " Après vérification, le dépôt de votre demande en ligne est impossible."
    message.set_content(body)
    return message.as_bytes()


def _online(at: str, name: str, step: str = "Dépôt de la demande") -> dict[str, Any]:
    return {
        "channel": "online",
        "at": at,
        "outcome": "error",
        "note": "Capture envoyée par la personne.",
        "files": [f"captures/{name}.png"],
        "details": {"step": step, "message": ERROR},
    }


def _write(folder: Path, case: dict[str, Any], files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    path = folder / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def renewal_case(folder: Path) -> Path:
    """A renewal whose ANEF démarche fails; the title expired without an attestation."""
    blockings = ["2026-08-20T10:05:00+02:00", "2026-09-02T18:40:00+02:00",
                 "2026-09-15T08:12:00+02:00", "2026-10-12T21:03:00+02:00",
                 "2026-11-20T09:30:00+01:00"]  # fmt: skip
    attempts = [_online(at, f"anef-{i}") for i, at in enumerate(blockings)]
    attempts += [
        {"channel": "ccc", "at": "2026-08-21T11:00:00+02:00", "outcome": "no_answer",
         "note": "Appel : attente puis coupure.", "files": ["ccc/appel.png"],
         "details": {"via": "phone", "ticket": "CCC-0821-5531"}},
        {"channel": "ccc", "at": "2026-09-10T14:02:00+02:00", "outcome": "answered",
         "note": "Réponse par courriel.", "files": ["ccc/reponse.eml"],
         "details": {"via": "form", "ticket": "CCC-0910-7788", "certifies_impossibility": True}},
        {"channel": "pan", "at": "2026-09-24T09:15:00+02:00", "outcome": "refused",
         "note": "L'agent n'a pas pu faire aboutir le dépôt.", "files": ["pan/attestation.png"],
         "details": {"site": "Préfecture de la Seine-Saint-Denis", "witnessed": True}},
        {"channel": "email", "at": "2026-09-28T10:00:00+02:00", "outcome": "sent",
         "note": "Demande de solution de substitution.", "files": ["courriels/substitution.eml"],
         "details": {"recipient": "pref-etrangers@seine-saint-denis.gouv.fr",
                     "subject": "Demande d'enregistrement par la solution de substitution",
                     "purpose": "substitute"}},
    ]  # fmt: skip
    case = {
        "format": 2,
        "person": {"family_name": "Benali", "given_names": "Amina", "birth_date": "1991-03-14",
                   "birth_place": "Oran (Algérie)", "nationality": "algérienne",
                   "email": "amina.benali@example.org", "phone": "",
                   "address": "12 rue de la République\n93200 Saint-Denis", "gender": "f"},
        "procedure": {"kind": "renewal", "title": "carte de séjour pluriannuelle",
                      "ground": "vie privée et familiale", "code": "titre-sejour-renouvellement",
                      "channel": "anef", "channel_basis": "case",
                      "channel_note": "La page « Titres de séjour » de la préfecture (lue le "
                                      "15 août 2026) renvoie au téléservice ANEF pour ce titre."},
        "department": "93",
        "facts": {"title_expires_on": "2026-10-31", "employment": True},
        "anef": {"account_created_on": "2026-08-18",
                 "demarche": "Renouvellement — vie privée et familiale",
                 "demarche_number": "", "provisional": "none", "provisional_until": None},
        "attempts": attempts,
    }  # fmt: skip
    files = {f"captures/anef-{i}.png": screenshot(ERROR) for i in range(len(blockings))}
    files |= {
        "ccc/appel.png": screenshot("Appel au centre de contact"),
        "ccc/reponse.eml": ccc_answer("CCC-0910-7788", certifies=True),
        "pan/attestation.png": screenshot("Attestation de témoin"),
        "courriels/substitution.eml": ccc_answer("substitution", certifies=False),
    }
    return _write(folder, case, files)


def student_case(folder: Path) -> Path:
    """A student's first application blocked on ANEF; an internship makes it urgent."""
    blockings = ["2026-10-05T09:10:00+02:00", "2026-10-14T19:45:00+02:00",
                 "2026-10-27T07:55:00+01:00", "2026-11-09T13:20:00+01:00",
                 "2026-11-24T20:10:00+01:00"]  # fmt: skip
    attempts = [_online(at, f"etudiant-{i}", "Justificatifs") for i, at in enumerate(blockings)]
    attempts += [
        {"channel": "ccc", "at": "2026-10-06T10:30:00+02:00", "outcome": "answered",
         "note": "Formulaire : réponse type.", "files": ["ccc/reponse-1.eml"],
         "details": {"via": "form", "ticket": "CCC-1006-1200"}},
        {"channel": "ccc", "at": "2026-10-20T16:00:00+02:00", "outcome": "no_answer",
         "note": "Appel : pas de réponse.", "files": ["ccc/appel.png"],
         "details": {"via": "phone", "ticket": "CCC-1020-3410"}},
        {"channel": "ccc", "at": "2026-11-10T11:40:00+01:00", "outcome": "answered",
         "note": "Courriel : dépôt en ligne impossible.", "files": ["ccc/reponse-2.eml"],
         "details": {"via": "email", "ticket": "CCC-1110-9007", "certifies_impossibility": True}},
        {"channel": "pan", "at": "2026-11-03T14:00:00+01:00", "outcome": "no_answer",
         "note": "Point d'accueil numérique fermé.", "files": ["pan/porte.png"],
         "details": {"site": "Préfecture du Rhône", "witnessed": False}},
        {"channel": "email", "at": "2026-11-12T09:00:00+01:00", "outcome": "sent",
         "note": "Demande de solution de substitution.", "files": ["courriels/substitution.eml"],
         "details": {"recipient": "pref-etrangers@rhone.gouv.fr",
                     "subject": "Demande d'enregistrement par la solution de substitution",
                     "purpose": "substitute"}},
    ]  # fmt: skip
    case = {
        "format": 2,
        "person": {"family_name": "Nguyen", "given_names": "Linh", "birth_date": "2002-06-01",
                   "birth_place": "Hanoï (Viêt Nam)", "nationality": "vietnamienne",
                   "email": "linh.nguyen@example.org",
                   "address": "8 rue Pasteur\n69007 Lyon", "gender": "f"},
        "procedure": {"kind": "first_application", "title": "carte de séjour temporaire",
                      "ground": "étudiant", "code": "etudiant-premiere-demande"},
        "department": "69",
        "facts": {"particular_circumstances": "Inscrite en master 1 à l'université Lyon 2, elle "
                  "doit commencer le 5 janvier 2027 le stage obligatoire de sa formation, que la "
                  "convention de stage subordonne à un titre de séjour."},
        "anef": {"account_created_on": "2026-10-01", "demarche": "Étudiant",
                 "demarche_number": "", "provisional": "", "provisional_until": None},
        "attempts": attempts,
    }  # fmt: skip
    files = {f"captures/etudiant-{i}.png": screenshot(ERROR) for i in range(len(blockings))}
    files |= {
        "ccc/reponse-1.eml": ccc_answer("CCC-1006-1200", certifies=False),
        "ccc/appel.png": screenshot("Appel au centre de contact"),
        "ccc/reponse-2.eml": ccc_answer("CCC-1110-9007", certifies=True),
        "pan/porte.png": screenshot("Point d'accueil fermé"),
        "courriels/substitution.eml": ccc_answer("substitution", certifies=False),
    }
    return _write(folder, case, files)
