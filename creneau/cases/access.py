"""Who may see a case: the members of its organisation, and nobody else."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from creneau.accounts.models import Member
from creneau.cases.models import Case


def case_or_404(request: HttpRequest, reference: str, *, journey: bool = False) -> Case:
    """The case if the user belongs to its organisation; for everyone else exactly the answer
    of a reference that does not exist (a 404: no oracle). ``journey``: with its ANEF journey
    (``case.anef``) in the same query, for a page that only reads it."""
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
    return get_object_or_404(cases, reference=reference)
