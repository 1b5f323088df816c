"""``creneau demo``: a demo organisation, volunteer, case and personal link, ready to explore.

Idempotent: a second run keeps the organisation and its case, gives the ``demo`` account a new
password and the person a new link (the old links are revoked; a link is only shown once).
JSON on stdout, the same facts for a human on stderr.
"""

import json
import secrets
from argparse import ArgumentParser
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from creneau.accounts.models import Member, Organisation
from creneau.cases.models import Case
from creneau.portal import access
from creneau.portal.models import PersonalLink
from creneau.privacy import transfer

SLUG = "demo"
USERNAME = "demo"
SIMULATED_PAGE = "/93/booking/create/9845/0"  # the legacy booking module of the simulators
# Hours of the sample attempts, varied as the sufficiency rules like them (morning to evening).
HOURS = (8, 12, 17, 9, 14, 18)


def sample_case(simulator_url: str, now: datetime) -> dict[str, Any]:
    """A renewal in Seine-Saint-Denis with five weeks of online attempts and no slot."""
    paris = ZoneInfo(settings.TIME_ZONE)
    start = (now - timedelta(days=36)).astimezone(paris).replace(minute=7, second=0)
    attempts = [
        {
            "channel": "online",
            "at": (start + timedelta(days=2 * day, hours=HOURS[day % 6] - start.hour)).isoformat(),
            "outcome": "error" if day == 5 else "no_slot",
            "note": "exemple de démonstration",
        }
        for day in range(17)
    ]
    return {
        "person": {
            "family_name": "Exemple",
            "given_names": "Awa",
            "birth_date": "1991-03-14",
            "nationality": "sénégalaise",
            "email": "awa.exemple@example.org",
            "phone": "+33600000000",
            "preferred_language": "fr",
        },
        "procedure": {"kind": "renewal", "title": "carte de séjour pluriannuelle"},
        "department": "93",
        "booking_url": simulator_url.rstrip("/") + SIMULATED_PAGE,
        "facts": {"title_expires_on": (now + timedelta(days=40)).date().isoformat()},
        "attempts": attempts,
    }


class Command(BaseCommand):
    help = "Create (or refresh) a demo organisation, volunteer account, case and personal link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--site-url", default=settings.SITE_URL, help="where creneau runs")
        parser.add_argument(
            "--simulator-url", default="http://127.0.0.1:8765", help="where creneau simulate runs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        site = options["site_url"].rstrip("/")
        with transaction.atomic():
            organisation, user, password = _volunteer()
            case = _case(organisation, user, options["simulator_url"])
            PersonalLink.objects.filter(person=case.person).update(revoked_at=timezone.now())
            token = access.issue(case.person, user, None).token
        result = {
            "organisation": organisation.slug,
            "username": USERNAME,
            "password": password,
            "case": case.reference,
            "urls": {
                "login": site + reverse("login"),
                "dashboard": site + reverse("dashboard"),
                "case": site + reverse("case-detail", args=[case.reference]),
                "personal_link": site + reverse("portal-open", args=[token]),
            },
            "simulators": f"creneau simulate --port {_port(options['simulator_url'])}",
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        self.stderr.write(_explain(result))


def _volunteer() -> tuple[Organisation, User, str]:
    organisation, _created = Organisation.objects.get_or_create(
        slug=SLUG, defaults={"name": "Démo — groupe local"}
    )
    user, _created = User.objects.get_or_create(username=USERNAME)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save()
    Member.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Member.Role.ADMIN}
    )
    return organisation, user, password


def _case(organisation: Organisation, user: User, simulator_url: str) -> Case:
    existing = Case.objects.filter(organisation=organisation).order_by("created_at").first()
    if existing is not None:
        return existing
    parsed = transfer.parse(sample_case(simulator_url, timezone.now()), Path.cwd())
    return transfer.import_case(parsed, organisation, user)


def _port(url: str) -> str:
    return url.rstrip("/").rsplit(":", 1)[-1] if url.count(":") == 2 else "8765"


def _explain(result: dict[str, Any]) -> str:
    urls = result["urls"]
    return "\n".join(
        [
            "Démo prête.",
            f"  Compte bénévole : {result['username']} / {result['password']}",
            f"  Tableau de bord : {urls['dashboard']}",
            f"  Dossier {result['case']} : {urls['case']}",
            f"  Espace de la personne (lien personnel) : {urls['personal_link']}",
            "Pour tout voir hors ligne :",
            f"  1. dans un terminal : {result['simulators']}",
            "  2. dans un autre : CRENEAU_ALLOW_LOCAL_URLS=true creneau run",
            f"  3. ouvrez {urls['login']} et connectez-vous avec le compte ci-dessus.",
            "",
        ]
    )
