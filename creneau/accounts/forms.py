from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from creneau.accounts.models import Member


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


class AddMemberForm(forms.Form):
    """A new account for a volunteer, added to an organisation by one of its admins. No
    password here: the admin passes on a one-time link where the volunteer chooses it."""

    username = forms.CharField(
        label=_("Identifiant de connexion"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Lettres, chiffres et @ . + - _ seulement. Par exemple : prenom.nom."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique (facultatif)"),
        required=False,
        help_text=_(
            "Pour lui envoyer le lien d'invitation par courriel (sur demande, après la création "
            "du compte), et pour reconnaître le compte."
        ),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Member.Role, initial=Member.Role.VOLUNTEER)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("Cet identifiant est déjà pris : choisissez-en un autre.")
            )
        return username
