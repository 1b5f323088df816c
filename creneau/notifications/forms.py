"""The organisation's SMS account, as its admins set it up."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creneau.notifications import sms, transport
from creneau.notifications.models import SmsSettings

# A number that only serves to check that Apprise accepts the account (nothing is sent to it).
_PROBE_NUMBER = "+33600000000"


class SmsSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """Provider, account and sender; the secret is never shown again (blank keeps it)."""

    secret = forms.CharField(
        label=_("Clé secrète du compte"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Laissez vide pour garder la clé déjà enregistrée."),
    )

    class Meta:
        model = SmsSettings
        fields = ["provider", "login", "secret", "sender", "enabled"]
        help_texts = {
            "login": _("Octopush : l'adresse e-mail du compte. Twilio : l'Account SID (AC…)."),
        }

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data.get("secret") or ""
        if secret:
            return secret
        if self.instance.pk and self.instance.secret:
            return str(self.instance.secret)
        raise forms.ValidationError(_("Donnez la clé secrète du compte."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider, login, secret = data.get("provider"), data.get("login"), data.get("secret")
        if provider and login and secret:
            url = transport.sms_url(provider, login, secret, data.get("sender", ""), _PROBE_NUMBER)
            if not transport.is_valid(url):
                raise forms.ValidationError(
                    _(
                        "Ce service refuse ce compte tel quel : vérifiez l'identifiant et "
                        "l'expéditeur."
                    )
                )
        return data


class SmsTestForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro de portable pour un SMS d'essai"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )

    def clean_number(self) -> str:
        number = sms.normalise(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(_("Ce numéro ne peut pas recevoir de SMS."))
        return number
