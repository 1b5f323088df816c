from django import forms
from django.utils.translation import gettext_lazy as _

from creneau.cases.forms import OwnIds
from creneau.cases.models import CourtEvent
from creneau.evidence.models import CaseDocument

_NEEDS_NUMBER = {CourtEvent.Kind.INJUNCTION}


class CourtEventForm(OwnIds, forms.ModelForm[CourtEvent]):
    class Meta:
        model = CourtEvent
        fields = (
            "kind",
            "occurred_on",
            "notified_on",
            "court_number",
            "deadline_days",
            "astreinte",
            "text",
        )
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "notified_on": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "notified_on": _("Pour une ordonnance : les délais courent de la notification."),
            "text": _("Pour un rejet : recopier les motifs de l'ordonnance."),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") in _NEEDS_NUMBER and not data.get("court_number"):
            self.add_error("court_number", _("Le numéro de l'ordonnance est nécessaire."))
        if data.get("kind") == CourtEvent.Kind.INJUNCTION and not data.get("deadline_days"):
            self.add_error("deadline_days", _("Indiquer le délai fixé par l'ordonnance."))
        return data


class CaseDocumentForm(OwnIds, forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=CaseDocument.Kind.choices)
    label = forms.CharField(label=_("Libellé"), max_length=150)
    file = forms.FileField(label=_("Fichier (PDF, PNG, JPEG)"))
