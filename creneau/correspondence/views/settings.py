"""The mail server of an organisation (``/compte/courriel/<organisation>/``): its admins only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent, MailSettings, Member, Organisation, organisations_of
from creneau.correspondence import mailer
from creneau.correspondence.admin import OrganisationMailSettingsForm


def _administered(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(organisations_of(request.user, role=Member.Role.ADMIN), slug=slug)


@login_required
def mail_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    current = MailSettings.objects.filter(organisation=organisation).first()
    form = OrganisationMailSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisation
        form.save()
        audit.record(request.user, organisation, "*", AuditEvent.Action.CHANGE, "serveur d'envoi")
        messages.success(request, _("Serveur d'envoi des courriels enregistré."))
        return redirect("mail-settings", slug=organisation.slug)
    context = {"organisation": organisation, "form": form, "configured": current is not None}
    return render(
        request, "correspondence/mail_settings.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def mail_settings_test(request: HttpRequest, slug: str) -> HttpResponse:
    """Connect and log in as a real send would, without sending anything."""
    organisation = _administered(request, slug)
    account = get_object_or_404(MailSettings, organisation=organisation)
    try:
        mailer.probe(account)
    except mailer.MailError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Le serveur d'envoi accepte la connexion de l'organisation."))
    return redirect("mail-settings", slug=organisation.slug)
