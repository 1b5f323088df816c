"""An organisation's settings for its admins (``/organisation/<slug>/``): the members and their
role, a new volunteer's account with a one-time link to choose a password, the second factor,
and links to the mail and SMS accounts. Every change goes to the audit log."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from creneau.accounts import audit, twofactor
from creneau.accounts.forms import AddMemberForm
from creneau.accounts.models import AuditEvent, MailSettings, Member, Organisation, organisations_of

LAST_ADMIN = gettext_noop(
    "L'organisation garde au moins un·e administrateur·ice : nommez-en un·e autre avant."
)
ORGANISATION_WIDE = "*"  # the audit's "case" for a change that concerns no single case
RECENT_CHANGES = 15  # the settings changes the page shows (the operator's admin keeps them all)


def administered(request: HttpRequest, slug: str) -> Organisation:
    """The organisation, if the member administers it; 404 otherwise (no hint it exists)."""
    return get_object_or_404(organisations_of(request.user, role=Member.Role.ADMIN), slug=slug)


def member_of(organisation: Organisation, member_id: int) -> Member:
    return get_object_or_404(
        Member.objects.select_related("user"), pk=member_id, organisation=organisation
    )


def answers_to_me(request: HttpRequest, member: Member) -> bool:
    """Whether every organisation of the member's account is one the admin administers: only
    then may the admin act on the account itself (its password link, its second factor)."""
    administered = organisations_of(request.user, role=Member.Role.ADMIN)
    return not member.user.memberships.exclude(organisation__in=administered).exists()


OTHER_ORGANISATION = gettext_noop(
    "Ce compte appartient aussi à une autre organisation : demandez à l'opérateur de "
    "l'installation."
)


def _is_last_admin(member: Member) -> bool:
    admins = Member.objects.filter(organisation_id=member.organisation_id, role=Member.Role.ADMIN)
    return member.is_admin and admins.count() == 1


def _audit(request: HttpRequest, organisation: Organisation, action: str, detail: str) -> None:
    audit.record(request.user, organisation, ORGANISATION_WIDE, action, detail)


def set_password_path(user: User) -> str:
    """A link valid once (until a password is set) and for PASSWORD_RESET_TIMEOUT."""
    return reverse(
        "password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def set_password_link(request: HttpRequest, user: User) -> str:
    return request.build_absolute_uri(set_password_path(user))


def _link(request: HttpRequest, member: Member) -> dict[str, Any]:
    """What the card showing a member's one-time link needs."""
    user = member.user
    return {
        "username": user.username,
        "url": set_password_link(request, user),
        "email": user.email,
        "member": member.pk,
    }


@login_required
def organisation_home(request: HttpRequest) -> HttpResponse:
    first = organisations_of(request.user, role=Member.Role.ADMIN).first()
    if first is None:
        raise Http404
    return redirect("organisation-settings", slug=first.slug)


@login_required
def organisation_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = administered(request, slug)
    return _render(request, organisation, AddMemberForm())


def _render(
    request: HttpRequest,
    organisation: Organisation,
    form: AddMemberForm,
    status: int = 200,
    link: dict[str, Any] | None = None,
) -> HttpResponse:
    members = list(organisation.members.select_related("user").order_by("user__username"))
    context: dict[str, Any] = {
        "organisation": organisation,
        "members": members,
        "admins": sum(1 for m in members if m.is_admin),
        "roles": Member.Role.choices,
        "with_two_factor": {m.user_id for m in members if twofactor.has_two_factor(m.user)},
        "form": form,
        "link": link,
        "mail_configured": MailSettings.objects.filter(organisation=organisation).exists(),
        "events": AuditEvent.objects.filter(
            organisation=organisation, case_reference=ORGANISATION_WIDE
        ).order_by("-at")[:RECENT_CHANGES],
        "others": organisations_of(request.user, role=Member.Role.ADMIN).exclude(
            pk=organisation.pk
        ),
    }
    response = render(request, "accounts/organisation.html", context, status=status)
    if link is not None:
        response.headers["Cache-Control"] = "no-store"  # the link must not stay in a cache
    return response


@login_required
@require_POST
def add_member(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = administered(request, slug)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        return _render(request, organisation, form, status=400)
    with transaction.atomic():
        user = User(username=form.cleaned_data["username"], email=form.cleaned_data["email"])
        user.set_unusable_password()  # the volunteer chooses it through the link
        user.save()
        member = Member.objects.create(
            user=user, organisation=organisation, role=form.cleaned_data["role"]
        )
        _audit(
            request,
            organisation,
            AuditEvent.Action.CREATE,
            f"membre ajouté : {user.username} ({member.get_role_display()})",
        )
    return _render(request, organisation, AddMemberForm(), link=_link(request, member))


@login_required
@require_POST
def new_link(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """Another one-time link, for a member who has not chosen a password yet."""
    organisation = administered(request, slug)
    member = member_of(organisation, member_id)
    if member.user.has_usable_password():
        messages.error(request, _("Ce membre a déjà choisi son mot de passe."))
        return redirect("organisation-settings", slug=organisation.slug)
    if not answers_to_me(request, member):
        messages.error(request, _(OTHER_ORGANISATION))
        return redirect("organisation-settings", slug=organisation.slug)
    _audit(
        request,
        organisation,
        AuditEvent.Action.CHANGE,
        f"nouveau lien de mot de passe : {member.user.username}",
    )
    return _render(request, organisation, AddMemberForm(), link=_link(request, member))


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    organisation = administered(request, slug)
    member = member_of(organisation, member_id)
    role = request.POST.get("role", "")
    if role not in Member.Role.values:
        raise Http404
    if role != Member.Role.ADMIN and _is_last_admin(member):
        messages.error(request, _(LAST_ADMIN))
        return redirect("organisation-settings", slug=organisation.slug)
    if role != member.role:
        member.role = role
        member.save(update_fields=["role"])
        detail = f"rôle de {member.user.username} : {member.get_role_display()}"
        _audit(request, organisation, AuditEvent.Action.CHANGE, detail)
        messages.success(request, _("Le rôle est enregistré."))
    if member.user_id == request.user.pk and role != Member.Role.ADMIN:
        return redirect("dashboard")  # no longer an admin of this organisation
    return redirect("organisation-settings", slug=organisation.slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """The membership goes; an account left in no organisation can no longer log in."""
    organisation = administered(request, slug)
    member = member_of(organisation, member_id)
    if _is_last_admin(member):
        messages.error(request, _(LAST_ADMIN))
        return redirect("organisation-settings", slug=organisation.slug)
    user = member.user
    with transaction.atomic():
        member.delete()
        if not user.is_staff and not user.memberships.exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
        _audit(request, organisation, AuditEvent.Action.ERASE, f"membre retiré : {user.username}")
    messages.success(request, _("%(name)s n'est plus membre.") % {"name": user.username})
    if user.pk == request.user.pk:
        return redirect("dashboard")
    return redirect("organisation-settings", slug=organisation.slug)


@login_required
@require_POST
def reset_two_factor(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """A member lost their phone and their recovery codes: they enrol again at the next login.
    Not for oneself (the security page asks for a current code)."""
    organisation = administered(request, slug)
    member = member_of(organisation, member_id)
    if member.user_id == request.user.pk:
        raise Http404
    if not answers_to_me(request, member):
        messages.error(request, _(OTHER_ORGANISATION))
    elif twofactor.remove(member.user):
        detail = f"double authentification réinitialisée : {member.user.username}"
        _audit(request, organisation, AuditEvent.Action.CHANGE, detail)
        messages.success(
            request,
            _("La double authentification de %(name)s est réinitialisée.")
            % {"name": member.user.username},
        )
    return redirect("organisation-settings", slug=organisation.slug)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link: the new member chooses a password, then logs in as usual."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("password-set-done")


def password_set_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/set_password_done.html")
