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
    case = get_object_or_404(cases, reference=reference)
    for path in related:
        _mark_loaded(case, path)
    return case


# Set on an instance by ``case_or_404``: the one-to-one relations loaded with it in its query.
LOADED = "_loaded_with_case"


def _mark_loaded(case: Case, path: str) -> None:
    *hops, name = path.split("__")
    target: Any = case
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return
    target.__dict__.setdefault(LOADED, set()).add(name)


def preloaded(instance: Model, name: str) -> tuple[bool, Any]:
    """(True, the row or None) when the one-to-one relation ``name`` was loaded with
    ``instance`` by ``case_or_404(related=…)``; (False, None) when it must be asked for. A
    relation cached any other way (a row created for this instance, then changed by an
    ``update()``) is not trusted: it is asked for."""
    descriptor = getattr(type(instance), name)
    if name not in instance.__dict__.get(LOADED, ()) or not descriptor.is_cached(instance):
        return False, None
    return True, descriptor.related.get_cached_value(instance)
