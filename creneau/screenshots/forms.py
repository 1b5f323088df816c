"""The volunteer's forms: a lot of screenshots to import, a note to keep a set-aside one."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creneau.cases.forms import BlankRenderedOnce, OwnIds
from creneau.cases.models import Outcome


class _ManyFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class ManyFilesField(forms.FileField):
    """Several files in one field (a phone's picker selects many screenshots at once)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _ManyFiles(attrs={"accept": "image/png,image/jpeg,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        return (
            [one(item, initial) for item in data]
            if isinstance(data, list | tuple)
            else [one(data, initial)]
        )


class ImportForm(BlankRenderedOnce, OwnIds, forms.Form):
    """Many screenshots of the booking page, one attempt each, dated by the images themselves."""

    OUTCOMES = [
        (Outcome.NO_SLOT, _("Aucun rendez-vous disponible")),
        (Outcome.CLOSED, _("La prise de rendez-vous était fermée")),
        (Outcome.ERROR, _("Le site ne fonctionnait pas")),
        (Outcome.UNKNOWN, _("À voir capture par capture")),
    ]

    screenshots = ManyFilesField(
        label=_("Captures d'écran (plusieurs images, ou un fichier ZIP)"),
        help_text=_(
            "Chaque capture devient une tentative en ligne à la date que donne l'image (son nom "
            "de fichier, ses métadonnées, une horloge datée) ; une image sans date est laissée "
            "de côté. Chacune est lue et comparée au dossier."
        ),
    )
    outcome = forms.ChoiceField(label=_("Ce que montrent ces captures"), choices=OUTCOMES)

    def __init__(self, *args: Any, anef: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.anef = anef
        if anef:  # the ANEF téléservice shows no slots: only a failure or a closed service
            field = self.fields["outcome"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = self.OUTCOMES[1:]

    def blank_key(self) -> tuple[bool]:
        return (self.anef,)


class OverrideForm(forms.Form):
    note = forms.CharField(
        label=_("Pourquoi garder cette capture ?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
