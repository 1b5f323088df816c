import datetime
import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creneau.cases.forms import OwnIds
from creneau.cases.models import Case, Outcome
from creneau.catalog.models import Prefecture
from creneau.correspondence.models import RegisteredLetter
from creneau.evidence.uploads import read_limited

# La Poste prints 13 characters under the bar code (« 1A 123 456 7890 1 »; international
# registered mail « RR123456789FR »); other carriers and older slips vary, so accept 11 to 15.
TRACKING = re.compile(r"^(?=.*\d)[A-Z0-9]{11,15}$")
SKEW = datetime.timedelta(minutes=10)
INTERVALS = (1, 31)


class WhenField(forms.DateTimeField):
    """A date and time typed on a phone, never in the future."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]

    def clean(self, value: Any) -> datetime.datetime | None:
        when: datetime.datetime | None = super().clean(value)
        if when is not None and when > timezone.now() + SKEW:
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return when


class ScanField(forms.FileField):
    """A scan or a photo: the evidence app checks its real type when it seals it."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,application/pdf"})


def read(upload: UploadedFile | None) -> bytes:
    """The upload's bytes, refused before reading when over the limit (Django has streamed it
    to a temporary file: nothing of a huge file enters memory), and cut while reading when
    the announced size was wrong."""
    return read_limited(upload) if upload is not None else b""


class RecipientForm(OwnIds, forms.Form):
    recipient = forms.EmailField(
        label=_("Destinataire (service des étrangers)"),
        help_text=_("Vérifiez l'adresse sur le site de la préfecture si elle n'est pas vérifiée."),
    )


class ScheduleForm(RecipientForm):
    interval_days = forms.IntegerField(
        label=_("Préparer un nouveau courriel tous les (jours)"),
        min_value=INTERVALS[0],
        max_value=INTERVALS[1],
        initial=7,
        help_text=_("Chaque courriel attend toujours l'approbation d'un·e bénévole."),
    )


class ReplyForm(OwnIds, forms.Form):
    message = forms.FileField(
        label=_("Courriel reçu (fichier .eml)"),
        help_text=_(
            "Dans la messagerie : « Enregistrer sous » ou « Télécharger le message » (.eml)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".eml,message/rfc822"}),
    )


class LetterSentForm(OwnIds, forms.Form):
    tracking_number = forms.CharField(
        label=_("Numéro de suivi du recommandé"),
        max_length=30,
        help_text=_(
            "Sous le code-barres de la preuve de dépôt : 13 lettres et chiffres en général "
            "(par exemple 1A 123 456 7890 1) ; les espaces ne comptent pas."
        ),
    )
    at = WhenField(label=_("Date et heure du dépôt à La Poste"))
    proof = ScanField(label=_("Preuve de dépôt (photo ou PDF, facultatif)"), required=False)

    def clean_tracking_number(self) -> str:
        raw = self.cleaned_data["tracking_number"]
        number = re.sub(r"[\s.-]", "", raw).upper()
        if not TRACKING.match(number):
            raise forms.ValidationError(
                _(
                    "Numéro de suivi non reconnu : il compte de 11 à 15 lettres et chiffres "
                    "(13 en général, par exemple 1A12345678901)."
                )
            )
        return number


class ReceiptForm(OwnIds, forms.Form):
    OUTCOMES = [
        (Outcome.DELIVERED, _("Distribuée (avis signé par la préfecture)")),
        (Outcome.REFUSED, _("Refusée ou non réclamée (lettre revenue)")),
    ]

    letter = forms.ModelChoiceField(
        queryset=RegisteredLetter.objects.none(), label=_("Lettre"), empty_label=None
    )
    outcome = forms.ChoiceField(label=_("Résultat"), choices=OUTCOMES)
    at = WhenField(label=_("Date portée sur l'avis de réception"))
    scan = ScanField(label=_("Avis de réception (photo ou PDF)"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["letter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = RegisteredLetter.objects.filter(case=case, receipt__isnull=True)


class CounterVisitForm(OwnIds, forms.Form):
    OUTCOMES = [
        (Outcome.REFUSED, _("Rendez-vous refusé au guichet")),
        (Outcome.NO_ANSWER, _("Pas reçu·e (guichet fermé, entrée refusée, attente sans fin)")),
        (Outcome.ANSWERED, _("Reçu·e, avec une réponse (à noter ci-dessous)")),
    ]

    at = WhenField(label=_("Date et heure de la visite"))
    site = forms.ModelChoiceField(
        queryset=Prefecture.objects.none(), label=_("Lieu"), empty_label=None
    )
    outcome = forms.ChoiceField(label=_("Ce qui s'est passé"), choices=OUTCOMES)
    said = forms.CharField(
        label=_("Ce qui a été dit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Les mots de l'agent, le plus fidèlement possible. Pas de nom de témoin ici."),
    )
    witnessed = forms.BooleanField(
        label=_("Une personne m'accompagnait et peut témoigner"), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case.department.sites.all()
        if case.prefecture_id:
            self.initial.setdefault("site", case.prefecture_id)


class AttestationForm(OwnIds, forms.Form):
    scan = ScanField(label=_("Attestation signée (photo ou PDF)"))


class CccForm(OwnIds, forms.Form):
    VIA = [
        ("phone", _("appel au centre de contact citoyen")),
        ("form", _("formulaire de contact en ligne de l'ANEF")),
        ("email", _("courriel du centre de contact citoyen")),
    ]
    OUTCOMES = [
        (Outcome.ANSWERED, _("Réponse obtenue")),
        (Outcome.NO_ANSWER, _("Pas de réponse")),
        (Outcome.REFUSED, _("Aide refusée")),
    ]

    at = WhenField(label=_("Date et heure du contact"))
    via = forms.ChoiceField(label=_("Comment"), choices=VIA)
    ticket = forms.CharField(
        label=_("Numéro de ticket ou de demande"),
        max_length=60,
        required=False,
        help_text=_("Il figure dans le courriel d'accusé de réception ou est donné au téléphone."),
    )
    outcome = forms.ChoiceField(label=_("Résultat"), choices=OUTCOMES)
    answer = forms.CharField(
        label=_("Réponse donnée"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    certifies = forms.BooleanField(
        label=_("La réponse écrite atteste que le dépôt en ligne est impossible"),
        required=False,
        help_text=_("Seulement si le courriel ou le document joint le dit : c'est la preuve clé."),
    )
    proof = forms.FileField(
        label=_("Courriel du centre de contact (.eml), capture ou PDF (facultatif)"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("certifies") and not cleaned.get("proof"):
            self.add_error(
                "proof", _("Joindre le courriel ou le document qui atteste l'impossibilité.")
            )
        return cleaned


class DddForm(OwnIds, forms.Form):
    VIA = [
        ("online", _("formulaire en ligne du Défenseur des droits")),
        ("delegate", _("délégué·e local·e")),
        ("post", _("courrier")),
    ]

    at = WhenField(label=_("Date et heure de la saisine"))
    via = forms.ChoiceField(label=_("Comment"), choices=VIA)
    reference = forms.CharField(
        label=_("Numéro de dossier (s'il a été donné)"), max_length=60, required=False
    )
    proof = forms.FileField(
        label=_("Accusé de réception (.eml, capture ou PDF, facultatif)"), required=False
    )
