"""The ANEF journey's forms: the démarche, a blocking observed, a point d'accueil numérique visit.

Never a password or a login: the person signs in to ANEF themselves (legal.md §8.2).
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creneau.cases.forms import OwnIds
from creneau.cases.models import AnefJourney, Case, Outcome
from creneau.correspondence.forms import CounterVisitForm, ScanField, WhenField


class AnefJourneyForm(OwnIds, forms.ModelForm[AnefJourney]):
    class Meta:
        model = AnefJourney
        fields = [
            "account_created_on",
            "demarche",
            "demarche_number",
            "provisional",
            "provisional_until",
        ]
        widgets = {
            "account_created_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "provisional_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class BlockingForm(OwnIds, forms.Form):
    """One failure of the téléservice, seen by the person: its date, page, message and capture."""

    OUTCOMES = [
        (Outcome.ERROR, _("Message d'erreur, ou la démarche ne va pas plus loin")),
        (Outcome.CLOSED, _("Service indisponible ou en maintenance")),
    ]

    at = WhenField(label=_("Date et heure de l'essai"))
    outcome = forms.ChoiceField(label=_("Ce qui s'est passé"), choices=OUTCOMES)
    step = forms.CharField(
        label=_("Page ou étape de l'ANEF"),
        max_length=200,
        required=False,
        help_text=_("Par exemple « Justificatifs » ou « Dépôt de la demande »."),
    )
    message = forms.CharField(
        label=_("Message affiché"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Recopier le message tel qu'il s'affiche, mot pour mot."),
    )
    screenshot = ScanField(
        label=_("Capture d'écran (image ou PDF)"),
        help_text=_(
            "Obligatoire : sans capture, le blocage ne se prouve pas. Montrer la page, le "
            "message et, si possible, l'heure."
        ),
    )


class PanVisitForm(CounterVisitForm):
    """A visit to a point d'accueil numérique: where, what happened, whether someone saw it, and
    the document handed over when the agent could not file the application either."""

    OUTCOMES = [
        (Outcome.REFUSED, _("Reçu·e, mais le dépôt en ligne n'a pas abouti")),
        (Outcome.NO_ANSWER, _("Pas reçu·e (point d'accueil fermé, pas d'agent, attente sans fin)")),
        (Outcome.ANSWERED, _("Reçu·e, avec une réponse (à noter ci-dessous)")),
    ]

    outcome = forms.ChoiceField(label=_("Ce qui s'est passé"), choices=OUTCOMES)
    certifies = forms.BooleanField(
        label=_("Un document remis constate que le dépôt en ligne est impossible"),
        required=False,
    )
    proof = ScanField(label=_("Document remis ou photo (facultatif)"), required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["said"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("certifies") and not cleaned.get("proof"):
            self.add_error("proof", _("Joindre le document qui constate l'impossibilité."))
        return cleaned
