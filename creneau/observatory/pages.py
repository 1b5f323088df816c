"""Which page is observed, where it belongs, and what of it may be published.

A page belongs to its catalog prefecture; a page entered only through cases (an import, the
case form) belongs to the prefecture site its active cases name, when they all name the same
one — the only thing ever read from a case here. Its published address keeps the scheme, host
and path: never a query string or a fragment, which may carry a session or a person's booking.
A page whose path is a person's own (``/users/…``, an appointment to move) is never published.
"""

import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from creneau.cases.models import Case
from creneau.catalog.models import BookingPage, Department, Prefecture
from creneau.observatory.models import ObservedPage, Source

_PERSONAL_PATH = re.compile(r"/(users?|mon-compte|my-account)/", re.IGNORECASE)


def page_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def public_url(url: str) -> str:
    """Scheme, host (and port) and path only."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path or '/'}"


def looks_personal(url: str) -> bool:
    return bool(_PERSONAL_PATH.search(urlsplit(url).path + "/"))


def local_source() -> Source:
    found = Source.objects.filter(local=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Source.objects.create(key=Source.LOCAL, local=True)
    except IntegrityError:  # another worker made it first
        return Source.objects.get(key=Source.LOCAL)


def observed(page: BookingPage) -> ObservedPage:
    """The page's observatory row, made (and attributed) on its first check."""
    found = ObservedPage.objects.filter(page=page).select_related("department").first()
    if found is not None:
        return found
    row = ObservedPage(
        source=local_source(),
        key=page_key(page.url),
        page=page,
        url=public_url(page.url),
        system=page.system,
        published=not looks_personal(page.url),
    )
    attribute(row, page)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # a concurrent first check
        return ObservedPage.objects.get(page=page)
    return row


def attribute(row: ObservedPage, page: BookingPage) -> bool:
    """Set the département and prefecture of ``row`` from the catalog or the cases; True when
    something changed."""
    site = page.prefecture or _site_of_cases(page)
    department = site.department if site else _department_of_cases(page)
    before = (row.department_id, row.prefecture_name, row.prefecture_kind)
    row.department = department
    row.prefecture_name = site.name if site else ""
    row.prefecture_kind = site.kind if site else ""
    row.time_zone = str(department.zone) if department else settings.TIME_ZONE
    return before != (row.department_id, row.prefecture_name, row.prefecture_kind)


def _cases(page: BookingPage) -> "list[Case]":
    return list(
        Case.objects.filter(booking_page=page, status__in=Case.ACTIVE_STATUSES).only(
            "prefecture_id", "department_id"
        )
    )


def _site_of_cases(page: BookingPage) -> Prefecture | None:
    sites = {case.prefecture_id for case in _cases(page)}
    site = sites.pop() if len(sites) == 1 else None
    return Prefecture.objects.select_related("department").get(pk=site) if site else None


def _department_of_cases(page: BookingPage) -> Department | None:
    codes = {case.department_id for case in _cases(page)}
    return Department.objects.get(pk=codes.pop()) if len(codes) == 1 else None


def refresh_attributions() -> int:
    """Attribute again the local pages that have no catalog prefecture (their cases change)."""
    changed = 0
    rows = ObservedPage.objects.filter(source__local=True, page__isnull=False)
    for row in rows.select_related("page__prefecture__department"):
        assert row.page is not None
        if attribute(row, row.page):
            row.save(
                update_fields=["department", "prefecture_name", "prefecture_kind", "time_zone"]
            )
            changed += 1
    return changed
