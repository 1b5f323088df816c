"""Read-only views of a case for its person: the journal lines, the open assisted attempts."""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.apps import apps
from django.core import signing
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise

from creneau.cases.models import Case
from creneau.portal import wording

WAITING = ("reminded", "failed", "challenge")  # AssistedSession states the person can act on


@dataclass(frozen=True)
class JournalLine:
    at: datetime
    channel: str
    outcome: str
    outcome_label: str
    evidence: Promise


def journal(case: Case) -> list[JournalLine]:
    """Every attempt of the case, newest first, with how it is proven."""
    attempts = case.attempts.annotate(file_count=Count("files")).order_by("-at", "-id")
    return [
        JournalLine(
            at=attempt.at,
            channel=attempt.get_channel_display(),
            outcome=attempt.outcome,
            outcome_label=attempt.get_outcome_display(),
            evidence=wording.source_text(attempt, attempt.file_count > 0),
        )
        for attempt in attempts
    ]


def assisted_links(case: Case) -> list[str]:
    """Links to the case's assisted attempts still waiting for the person (watch app).

    Looked up by name: a site without assisted attempts simply shows none.
    """
    try:
        sessions = apps.get_model("watch", "AssistedSession")
        salt: str = import_module("creneau.scheduling.assisted").SALT
    except (LookupError, ImportError, AttributeError):
        return []
    waiting = sessions._default_manager.filter(
        case=case, expires_at__gt=timezone.now(), state__in=WAITING
    ).order_by("-created_at")
    try:
        return [reverse("assisted", args=[signing.dumps(s.pk, salt=salt)]) for s in waiting]
    except NoReverseMatch:  # the watch app's pages are not mounted on this site
        return []
