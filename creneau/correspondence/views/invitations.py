"""Send a member's invitation by e-mail (``/organisation/<slug>/membres/<id>/invitation/``):
the organisation's admins only, for a member who has not chosen a password yet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.accounts.organisation import (
    ORGANISATION_WIDE,
    OTHER_ORGANISATION,
    administered,
    answers_to_me,
    member_of,
)
from creneau.correspondence import invitations


@login_required
@require_POST
def send_invitation(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    organisation = administered(request, slug)
    member = member_of(organisation, member_id)
    user = member.user
    back = redirect("organisation-settings", slug=organisation.slug)
    if user.has_usable_password():
        messages.error(request, _("Ce membre a déjà choisi son mot de passe."))
        return back
    if not answers_to_me(request, member):
        messages.error(request, _(OTHER_ORGANISATION))
        return back
    try:
        sender = invitations.send(organisation, user, request.user.get_username())
    except invitations.InvitationError as exc:
        messages.error(
            request,
            _("L'invitation n'est pas partie : %(reason)s") % {"reason": exc}
            + " "
            + _("« Nouveau lien » affiche un lien à transmettre vous-même."),
        )
        return back
    audit.record(
        request.user,
        organisation,
        ORGANISATION_WIDE,
        AuditEvent.Action.CHANGE,
        f"invitation envoyée par courriel : {user.username}",
    )
    messages.success(
        request,
        _("Invitation envoyée à %(email)s (depuis %(sender)s).")
        % {"email": user.email, "sender": sender},
    )
    return back
