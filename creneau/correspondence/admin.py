from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from creneau.accounts.admin import OrganisationScopedAdmin
from creneau.accounts.models import MailSettings
from creneau.correspondence.mailer import local_address_refusal


class MailSettingsForm(forms.ModelForm[MailSettings]):
    password = forms.CharField(
        label=_("mot de passe"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Laisser vide pour garder le mot de passe enregistré (jamais affiché)."),
    )

    class Meta:
        model = MailSettings
        fields = [
            "organisation",
            "host",
            "port",
            "security",
            "username",
            "password",
            "from_address",
            "reply_to",
        ]

    def clean_port(self) -> int:
        port: int = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError(_("Un port est compris entre 1 et 65535."))
        return port

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        host, port = cleaned.get("host"), cleaned.get("port")
        if host and port and (refusal := local_address_refusal(host, port)):
            self.add_error("host", refusal)
        return cleaned

    def clean_password(self) -> str | None:
        typed: str = self.cleaned_data.get("password") or ""
        return typed or (self.instance.password if self.instance.pk else None)


class OrganisationMailSettingsForm(MailSettingsForm):
    """The same form on the organisation's own page: its organisation is the page's."""

    class Meta(MailSettingsForm.Meta):
        fields = [f for f in MailSettingsForm.Meta.fields if f != "organisation"]


@admin.register(MailSettings)
class MailSettingsAdmin(OrganisationScopedAdmin):
    form = MailSettingsForm
    list_display = ["organisation", "host", "port", "security", "from_address"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["organisation"] if obj is not None else []
