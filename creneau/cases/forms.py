import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from creneau.accounts.models import Organisation
from creneau.cases.models import ONLINE_OUTCOMES, Attempt, Case, Outcome, Person
from creneau.catalog.models import BookingPage, Department, guess_system
from creneau.catalog.pageurl import clean_page_url
from creneau.catalog.postcodes import department_of_address

SLOT_OUTCOMES = frozenset({Outcome.NO_SLOT, Outcome.SLOTS_AVAILABLE})
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
_BLANK_FIELDS: dict[tuple[Any, ...], str] = {}


class BlankRenderedOnce:
    """A form shown blank on busy pages (the case page's forms): its fields' HTML
    (``_form_fields.html``) rendered once per process and language, then reused while the form
    is unbound. Rendering a form through Django's widget templates costs more than the rest of
    a card. A form whose blank rendering depends on more than its class, prefix, ids and the
    language says so in ``blank_key()``; one bound to data is rendered each time (its values,
    its errors)."""

    def blank_key(self) -> tuple[Any, ...]:
        return ()

    def fields_html(self) -> str:
        assert isinstance(self, forms.BaseForm)
        varies = any(callable(field.initial) for field in self.fields.values())
        if self.is_bound or self.initial or varies:
            return render_to_string("_form_fields.html", {"form": self})
        key = (type(self), self.prefix, self.auto_id, get_language(), *self.blank_key())
        if key not in _BLANK_FIELDS:
            _BLANK_FIELDS[key] = render_to_string("_form_fields.html", {"form": self})
        return mark_safe(_BLANK_FIELDS[key])  # noqa: S308 (rendered by the autoescaping engine)


class OwnIds:
    """Ids prefixed by the form's class (``id_recipientform_recipient``): two forms on one page
    never share an id, so each label focuses its own field. Field names are unchanged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)


def phone_is_valid(text: str) -> bool:
    """A French number (10 digits from 0, or 0033…) or an international one (+ and 8–15 digits,
    E.164); spaces, dots, dashes and brackets allowed between digits."""
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        return bool(re.fullmatch(r"\+[1-9]\d{7,14}", digits))
    return bool(re.fullmatch(r"0[1-9]\d{8}", digits))


class PersonForm(forms.ModelForm[Person]):
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Person
        fields = [
            "family_name",
            "given_names",
            "birth_date",
            "birth_place",
            "nationality",
            "email",
            "phone",
            "address",
            "foreigner_number",
            "preferred_language",
            "gender",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "email": forms.EmailInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "foreigner_number": _("Facultatif : seulement s'il doit figurer dans un courrier."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.birth_date:
            self.initial["birth_date"] = datetime.date.fromisoformat(self.instance.birth_date)

    def clean_email(self) -> str:
        value = (self.cleaned_data.get("email") or "").strip()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise forms.ValidationError(
                    _(
                        "Cette adresse e-mail n'est pas valable : elle s'écrit comme "
                        "prenom.nom@exemple.fr, avec un seul @."
                    )
                ) from None
        return value

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        if value and not phone_is_valid(value):
            raise forms.ValidationError(
                _(
                    "Ce numéro de téléphone n'est pas valable : un numéro français à 10 chiffres "
                    "(06 12 34 56 78) ou un numéro international commençant par + "
                    "(+33 6 12 34 56 78)."
                )
            )
        return value

    def clean_birth_date(self) -> str:
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        return value.isoformat() if value else ""


class CaseForm(forms.ModelForm[Case]):
    booking_url = forms.URLField(
        label=_("Page de prise de rendez-vous"),
        required=False,
        assume_scheme="https",
        help_text=_("L'adresse de la page où la personne essaie de prendre rendez-vous."),
    )

    class Meta:
        model = Case
        fields = [
            "procedure_kind",
            "procedure",
            "title",
            "ground",
            "department",
            "booking_url",
            "channel",
            "channel_note",
            "title_expires_on",
            "unexecuted_oqtf",
            "employment",
            "social_benefits",
            "particular_circumstances",
            "application_filed_on",
            "refused_on",
            "department_confirmed",
            "status",
        ]
        widgets = {
            "title_expires_on": forms.DateInput(attrs={"type": "date"}),
            "application_filed_on": forms.DateInput(attrs={"type": "date"}),
            "refused_on": forms.DateInput(attrs={"type": "date"}),
            "particular_circumstances": forms.Textarea(attrs={"rows": 3}),
            "channel_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "title_expires_on": _("Pour un renouvellement : date de fin du titre actuel."),
            "unexecuted_oqtf": _(
                "Une obligation de quitter le territoire non exécutée fait obstacle à l'urgence."
            ),
            "particular_circumstances": _(
                "Faits qui rendent la situation urgente (perte d'emploi, droits coupés…). "
                "Pas de données médicales ni de récit d'asile ici."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.booking_page:
            self.initial["booking_url"] = self.instance.booking_page.url

    def _not_future(self, name: str) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get(name)
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                _("Cette date est dans le futur : indiquez la date à laquelle c'est arrivé.")
            )
        return value

    def clean_application_filed_on(self) -> datetime.date | None:
        return self._not_future("application_filed_on")

    def clean_refused_on(self) -> datetime.date | None:
        return self._not_future("refused_on")

    def clean_booking_url(self) -> str:
        url: str = self.cleaned_data.get("booking_url") or ""
        return clean_page_url(url, unresolved_ok=True) if url else ""

    def save(self, commit: bool = True) -> Case:
        case = super().save(commit=False)
        url = self.cleaned_data.get("booking_url")
        case.booking_page = None
        if url:
            case.booking_page, _ = BookingPage.objects.get_or_create(
                url=url, defaults={"system": guess_system(url)}
            )
        if case.prefecture is None or case.prefecture.department_id != case.department_id:
            case.prefecture = case.department.sites.order_by("kind").first()
        if commit:
            case.save()
        return case


def residence_agrees(person_form: PersonForm, case_form: CaseForm) -> bool:
    """The address's département is the case's, or someone confirmed it (both forms valid).

    The competent prefect, and so the tribunal, are those of the residence: a case aimed at
    another département must be corrected or confirmed (domiciliation…), here as on the
    command line (``--option confirm_department=oui``)."""
    address = person_form.cleaned_data.get("address") or ""
    department = case_form.cleaned_data.get("department")
    found = department_of_address(address)
    if department is None or found is None or found == department.code:
        return True
    if case_form.cleaned_data.get("department_confirmed"):
        return True
    other = Department.objects.filter(code=found).first()
    case_form.add_error(
        "department",
        _(
            "L'adresse de la personne est dans le département %(other)s, le dossier vise "
            "%(this)s : la préfecture compétente est celle du lieu de résidence. Corrigez le "
            "département, ou cochez « résidence confirmée malgré l'adresse » (domiciliation…)."
        )
        % {"other": other.name if other else found, "this": department.name},
    )
    return False


class OrganisationChoiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class AttemptForm(BlankRenderedOnce, forms.ModelForm[Attempt]):
    """A manual record of an attempt (visit, phone call, e-mail sent elsewhere…), with the
    screenshot of the page when there is one (sealed on arrival; read when online)."""

    at = forms.DateTimeField(
        label=_("Date et heure"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
    screenshot = forms.FileField(
        label=_("Capture d'écran (facultatif)"),
        required=False,
        help_text=_(
            "Image PNG ou JPEG, ou PDF, 32 Mo au plus. Pour une tentative en ligne, Créneau lit "
            "la capture et dit si elle montre autre chose que le dossier."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,application/pdf"}),
    )

    class Meta:
        model = Attempt
        fields = ["channel", "at", "outcome", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def clean_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["at"]
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("Une tentative ne peut pas être dans le futur."))
        return value

    def __init__(self, *args: Any, anef: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.anef = anef  # the case is lodged on the ANEF téléservice: no slot to see

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        online = cleaned.get("channel") == "online"
        if online and self.anef and cleaned.get("outcome") in SLOT_OUTCOMES:
            self.add_error(
                "outcome",
                _(
                    "Ce dossier se dépose sur le téléservice ANEF : il n'y a pas de créneau à "
                    "voir. Noter l'erreur ou la fermeture du site (page « Parcours ANEF »)."
                ),
            )
        if cleaned.get("channel") == "online" and cleaned.get("outcome") not in ONLINE_OUTCOMES:
            self.add_error(
                "outcome",
                _("Ce résultat ne correspond pas à une tentative en ligne (« %(outcome)s »).")
                % {"outcome": Outcome(cleaned["outcome"]).label if cleaned.get("outcome") else ""},
            )
        return cleaned
