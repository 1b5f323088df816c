"""The SMS account of an organisation (``/compte/sms/<organisation>/``): its admins only."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from creneau.accounts.models import Member, Organisation, organisations_of
from creneau.notifications import transport
from creneau.notifications.forms import SmsSettingsForm, SmsTestForm
from creneau.notifications.models import SmsSettings


def _administered(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(organisations_of(request.user, role=Member.Role.ADMIN), slug=slug)


@login_required
def sms_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    current = SmsSettings.objects.filter(organisation=organisation).first()
    form = SmsSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisation
        form.save()
        messages.success(request, _("Service d'envoi de SMS enregistré."))
        return redirect("sms-settings", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "form": form,
        "test_form": SmsTestForm(),
        "configured": current is not None,
        "operator_gateway": bool(settings.SMS_GATEWAY_URL),
    }
    return render(
        request, "notifications/sms_settings.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def sms_test(request: HttpRequest, slug: str) -> HttpResponse:
    """Send one SMS through the saved account, and say whether the service took it."""
    organisation = _administered(request, slug)
    account = get_object_or_404(SmsSettings, organisation=organisation)
    form = SmsTestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce numéro ne peut pas recevoir de SMS."))
        return redirect("sms-settings", slug=organisation.slug)
    url = transport.sms_url(
        account.provider, account.login, account.secret, account.sender, form.cleaned_data["number"]
    )
    delivery = transport.notify([url], "", _("Créneau : SMS d'essai de votre organisation."))
    if delivery.delivered:
        messages.success(request, _("SMS d'essai remis au service d'envoi."))
    else:
        why = FAILURES.get(delivery.reason, FAILURES["rejected"])
        messages.error(
            request, _("Le service d'envoi n'a pas pris le SMS d'essai : %(why)s") % {"why": why}
        )
    return redirect("sms-settings", slug=organisation.slug)


FAILURES = {
    "unreachable": gettext_lazy("il n'a pas répondu (réseau, ou adresse du service bloquée)."),
    "rejected": gettext_lazy("il a refusé (identifiant, clé, crédit ou expéditeur)."),
    "refused": gettext_lazy("Créneau ne joint pas ce service."),
    "invalid": gettext_lazy("le compte est incomplet."),
}
