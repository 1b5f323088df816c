from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class FirstRunForm(UserCreationForm[User]):
    """The first organisation and its first administrator, on a fresh install."""

    organisation = forms.CharField(
        label=_("Nom de votre organisation"),
        max_length=200,
        help_text=_("Par exemple : Cimade — groupe de Saint-Denis."),
    )

    class Meta:
        model = User
        fields = ["organisation", "username", "email"]

    def clean_organisation(self) -> str:
        name: str = self.cleaned_data["organisation"].strip()
        if not slugify(name):
            raise forms.ValidationError(
                _("Ce nom doit contenir au moins une lettre ou un chiffre.")
            )
        return name

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.is_staff = True
        user.is_superuser = True
        if commit:
            user.save()
        return user


class CodeForm(forms.Form):
    """A code from the authenticator app (or, where allowed, a recovery code)."""

    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].label = _("Code à 6 chiffres ou code de secours")
            self.fields["code"].help_text = _(
                "Le code affiché par votre application d'authentification, ou l'un de vos "
                "codes de secours (chacun ne sert qu'une fois)."
            )
        else:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
