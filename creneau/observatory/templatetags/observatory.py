"""Template helpers of the observatory: numbers in French, prefecture links, and the cards the
case page and the court page include (advice from the watcher's counts, availability records)."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils import timezone

from creneau.cases.models import Case
from creneau.observatory import advice
from creneau.observatory.aggregates import Counts, french_percent
from creneau.observatory.member_views import observed_days, observed_for
from creneau.observatory.models import AvailabilityExhibit

register = template.Library()
EXHIBIT_DAYS = 90  # the period offered by default: the last 90 finished days observed


@register.filter
def percent(counts: Counts) -> str:
    """The share of checks with slots: « 2,2 % »; « — » without checks."""
    return french_percent(counts.percent)


@register.filter
def prefecture_url(key: str) -> str:
    department, _, slug = key.partition("/")
    return reverse("observatory-prefecture", args=[department, slug])


@register.inclusion_tag("observatory/_watched.html")
def watched_card(case: Case) -> dict[str, Any]:
    """What the page's watcher saw lately, and when slots tend to appear (case page)."""
    return {"case": case, "watched": advice.watched(case.booking_page)}


@register.inclusion_tag("observatory/_exhibits.html", takes_context=True)
def availability_exhibits(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The availability records filed with the case, and the form to add one (court page)."""
    row = observed_for(case)
    first = last = None
    if row is not None:
        first, last = observed_days(row)
        zone = ZoneInfo(row.time_zone)
        yesterday = timezone.now().astimezone(zone).date() - datetime.timedelta(days=1)
        last = min(last, yesterday) if last else None
        if first and last:
            first = max(first, last - datetime.timedelta(days=EXHIBIT_DAYS - 1))
    return {
        "case": case,
        "csrf_token": context.get("csrf_token"),
        "exhibits": AvailabilityExhibit.objects.filter(case=case),
        "observed": row,
        "first_day": first,
        "last_day": last,
    }
