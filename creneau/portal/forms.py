import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Channel, Outcome
from creneau.evidence.uploads import MAX_BYTES

EXPIRY_DAYS = [("", _("Jamais (jusqu'à révocation)")), ("7", _("7 jours")), ("30", _("30 jours"))]
EXPIRY_DAYS += [("90", _("90 jours")), ("365", _("1 an"))]


class PersonalLinkForm(forms.Form):
    expires_in = forms.TypedChoiceField(
        label=_("Le lien expire après"),
        choices=EXPIRY_DAYS,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + datetime.timedelta(days=days) if days else None


class ScreenshotForm(forms.Form):
    """The person's own screenshot of an attempt, with when and where it happened."""

    file = forms.FileField(
        label=_("Capture d'écran ou PDF"),
        help_text=_("Une image (PNG ou JPEG) ou un PDF, 32 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,application/pdf"}),
    )
    at = forms.DateTimeField(
        label=_("Date et heure de la tentative"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    channel = forms.ChoiceField(
        label=_("Où avez-vous essayé ?"),
        choices=[
            (Channel.ONLINE, _("Sur le site de rendez-vous de la préfecture")),
            (Channel.OTHER, _("Ailleurs (autre site, application…)")),
        ],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Qu'avez-vous vu ?"),
        choices=[
            (Outcome.NO_SLOT, _("Aucun rendez-vous disponible")),
            (Outcome.SLOTS_AVAILABLE, _("Des rendez-vous étaient proposés")),
            (Outcome.CLOSED, _("La prise de rendez-vous était fermée")),
            (Outcome.ERROR, _("Le site ne fonctionnait pas")),
            (Outcome.UNKNOWN, _("Je ne sais pas")),
        ],
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> forms.FileField:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Ce fichier est trop lourd : 32 Mo au plus."))
        return upload  # type: ignore[no-any-return]

    def clean_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["at"]
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("Cette date est dans le futur."))
        return value
