"""Who may see a case: the members of its organisation, and nobody else."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from creneau.cases.models import Case


def case_or_404(request: HttpRequest, reference: str) -> Case:
    """The case if the user belongs to its organisation; for everyone else exactly the answer
    of a reference that does not exist (a 404: no oracle)."""
    cases = Case.objects.for_user(request.user).select_related(
        "organisation", "person", "department__tribunal", "booking_page", "prefecture", "procedure"
    )
    return get_object_or_404(cases, reference=reference)
