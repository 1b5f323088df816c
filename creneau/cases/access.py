"""Who may see a case: the members of its organisation, and nobody else."""

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from creneau.accounts.models import Member
from creneau.cases.models import Case


def case_or_404(
    request: HttpRequest, reference: str, *, journey: bool = False, related: tuple[str, ...] = ()
) -> Case:
    """The case if the user belongs to its organisation; for everyone else exactly the answer
    of a reference that does not exist (a 404: no oracle). ``journey``: with its ANEF journey
    (``case.anef``) in the same query, for a page that only reads it; ``related``: other
    one-to-one rows of the case loaded with it (read back with ``preloaded``)."""
    user = request.user
    if user.pk is None:
        cases = Case.objects.none()
    else:
        # One query: the reference is unique, so the membership is a subquery here (lists
        # use ``for_user``, whose organisation ids keep the databases on their indexes).
        memberships = Member.objects.filter(user_id=user.pk).values("organisation_id")
        cases = Case.objects.filter(organisation_id__in=memberships)
    cases = cases.select_related(
        "organisation", "person", "department__tribunal", "booking_page", "prefecture", "procedure"
    )
    if journey:
        cases = cases.select_related("anef")
    if related:
        cases = cases.select_related(*related)
    return get_object_or_404(cases, reference=reference)


def preloaded(instance: Model, name: str) -> tuple[bool, Any]:
    """(True, the row or None) when the one-to-one relation ``name`` was loaded with
    ``instance`` in its query (``select_related``); (False, None) when it must be asked for."""
    descriptor = getattr(type(instance), name)
    if not descriptor.is_cached(instance):
        return False, None
    return True, descriptor.related.get_cached_value(instance)
