import datetime
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creneau.cases.forms import BlankRenderedOnce
from creneau.cases.models import Channel, Outcome
from creneau.evidence.uploads import MAX_BYTES
from creneau.notifications import sms as sms_numbers
from creneau.notifications import transport

EXPIRY_DAYS = [("", _("Jamais (jusqu'à révocation)")), ("7", _("7 jours")), ("30", _("30 jours"))]
EXPIRY_DAYS += [("90", _("90 jours")), ("365", _("1 an"))]


class PersonalLinkForm(BlankRenderedOnce, forms.Form):
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

    # On the ANEF téléservice there is no slot to see: only a failure or an unreadable page.
    ANEF_CHANNELS = [
        (Channel.ONLINE, _("Sur le site de l'ANEF (demande de titre de séjour en ligne)")),
        (Channel.OTHER, _("Ailleurs (autre site, application…)")),
    ]
    ANEF_OUTCOMES = [
        (Outcome.ERROR, _("Un message d'erreur, ou la démarche ne va pas plus loin")),
        (Outcome.CLOSED, _("Le site était indisponible ou en maintenance")),
        (Outcome.UNKNOWN, _("Je ne sais pas")),
    ]

    def __init__(self, *args: Any, anef: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if anef:
            channel, outcome = self.fields["channel"], self.fields["outcome"]
            assert isinstance(channel, forms.ChoiceField)
            assert isinstance(outcome, forms.ChoiceField)
            channel.choices = self.ANEF_CHANNELS
            outcome.choices = self.ANEF_OUTCOMES

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


# Schemes a person may give as an « adresse avancée »: messaging apps only. Any other Apprise
# scheme (json://, xml://, mailto:// with a chosen server…) would let a link holder make the
# server post to an address of their choosing.
ADVANCED_SCHEMES = ("tgram", "signal", "signals")


def _refuse_unsafe(url: str, invalid: Any) -> None:
    """Refuse an address Apprise cannot use, one it would read as naming another server than
    the one shown (ambiguous), and one whose server is, or resolves to, a loopback or private
    address: the alert would be sent from inside our network. Sends check again, up to the
    connection itself (DNS answers change): see transport."""
    try:
        transport.check_channel(url)
    except transport.ChannelRefused as refused:
        if refused.reason == "invalid":
            raise forms.ValidationError(invalid) from None
        if refused.reason == "ambiguous":
            raise forms.ValidationError(
                _("Cette adresse est ambiguë (plusieurs serveurs possibles) : refusée.")
            ) from None
        if refused.reason == "unresolvable":
            raise forms.ValidationError(
                _("Le serveur « %(host)s » est introuvable : vérifiez l'adresse.")
                % {"host": refused.host}
            ) from None
        raise forms.ValidationError(_("Cette adresse mène à un serveur local : refusée.")) from None


class AlertChannelForm(forms.Form):
    """One or more ways to be told when slots appear; each filled field becomes one channel.

    ``sms``: the person's organisation sends SMS (it set up a provider), so a number is asked.
    """

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        required=False,
        help_text=_("Vous recevez un e-mail quand des rendez-vous apparaissent."),
    )
    phone = forms.CharField(
        label=_("Téléphone portable, pour recevoir un SMS"),
        required=False,
        max_length=40,
        help_text=_("Par exemple 06 12 34 56 78, ou avec l'indicatif du pays : +216 20 123 456."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    ntfy = forms.URLField(
        label=_("Application ntfy (facultatif)"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Dans l'application gratuite ntfy, abonnez-vous à un nom difficile à deviner, puis "
            "recopiez ici son adresse, par exemple https://ntfy.sh/rdv-amina-7k2p"
        ),
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    advanced = forms.CharField(
        label=_("Telegram ou Signal (facultatif)"),
        required=False,
        max_length=500,
        help_text=_(
            "L'adresse que l'association vous a donnée pour Telegram ou Signal. Elle commence "
            "par tgram:// ou signal://"
        ),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )

    def __init__(self, *args: Any, sms: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sms:
            del self.fields["phone"]

    def clean_phone(self) -> str:
        text: str = self.cleaned_data.get("phone") or ""
        if not text.strip():
            return ""
        number = sms_numbers.normalise(text)
        if not number:
            raise forms.ValidationError(
                _(
                    "Ce numéro ne peut pas recevoir de SMS. Donnez un numéro de portable, par "
                    "exemple 06 12 34 56 78, ou avec l'indicatif du pays : +216 20 123 456."
                )
            )
        return number

    def clean_ntfy(self) -> str:
        url: str = self.cleaned_data.get("ntfy") or ""
        if not url:
            return ""
        parts = urlsplit(url)
        topic = parts.path.strip("/")
        if parts.scheme != "https" or not parts.hostname or not topic or "/" in topic:
            raise forms.ValidationError(
                _(
                    "Recopiez l'adresse https:// que montre l'application ntfy, par exemple "
                    "https://ntfy.sh/rdv-amina-7k2p"
                )
            )
        ntfy = f"ntfys://{parts.netloc}/{topic}"
        _refuse_unsafe(ntfy, _("Cette adresse ntfy n'est pas valide."))
        return ntfy

    def clean_advanced(self) -> str:
        url: str = (self.cleaned_data.get("advanced") or "").strip()
        if not url:
            return ""
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        if scheme not in ADVANCED_SCHEMES:
            raise forms.ValidationError(
                _("Seules les adresses Telegram (tgram://…) et Signal (signal://…) sont acceptées.")
            )
        _refuse_unsafe(
            url,
            _(
                "Cette adresse n'est pas valide : vérifiez-la dans l'application "
                "qui vous l'a donnée."
            ),
        )
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("email", "phone", "ntfy", "advanced")):
            raise forms.ValidationError(_("Remplissez au moins une façon d'être prévenu."))
        return data

    def channels(self) -> list[tuple[str, str]]:
        """(kind, URL) for each filled field: the kind is stored in clear as the channel's
        label, the address itself only in the encrypted URL."""
        data = self.cleaned_data
        found = []
        if data.get("email"):
            found.append(("email", transport.mail_url(data["email"])))
        if data.get("phone"):
            found.append(("sms", sms_numbers.channel_url(data["phone"])))
        if data.get("ntfy"):
            found.append(("ntfy", data["ntfy"]))
        if data.get("advanced"):
            scheme = data["advanced"].split("://", 1)[0].lower()
            found.append(("telegram" if scheme == "tgram" else "signal", data["advanced"]))
        return found
