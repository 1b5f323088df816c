"""``creneau doctor``: is this installation able to produce the evidence it claims?

Each check returns a ``Check`` (a stable ``name``, ``ok``, a French ``message`` saying what is
wrong and what to do). ``run_checks(probe=True)`` asks the time-stamping authorities and the
SMTP servers for real (the command); ``probe=False`` reads only the configuration and the last
evidence stored (the admin's banner on the dashboard: no network on a page load).
"""

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from creneau.accounts.models import MailSettings, Organisation
from creneau.correspondence import mailer
from creneau.evidence.models import Seal
from creneau.evidence.states import configured_roots, seal_stamps
from creneau.lib import storage, tsa
from creneau.lib.browser import chromium_path
from creneau.notifications import transport
from creneau.notifications.models import SmsSettings

MIN_FREE_BYTES = 2 * 1024**3  # captures, bundles and backups need room; 2 GB leaves a margin
# A seal this old still without a token means the authority is not answering (retried often).
STALE_SEAL = timedelta(minutes=30)
LOCAL_FROM = "@localhost"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


def run_checks(
    *, probe: bool = True, organisations: Iterable[Organisation] | None = None
) -> list[Check]:
    """Every check, in the order an administrator fixes them."""
    return [
        timestamping(probe),
        alert_mail(probe),
        organisation_mail(organisations, probe),
        sms(organisations, probe),
        site_url(),
        chromium(),
        evidence_store(probe),
        disk_space(),
    ]


# --- trusted time ----------------------------------------------------------------------------


def timestamping(probe: bool) -> Check:
    if not settings.TSA_URLS:
        return Check(
            "timestamping",
            False,
            _(
                "L'horodatage est désactivé (CRENEAU_TSA_URLS est vide) : aucune capture ne sera "
                "« scellée et horodatée ». Retirez CRENEAU_TSA_URLS pour utiliser les autorités "
                "publiques par défaut, ou donnez vos autorités et leurs racines "
                "(CRENEAU_TSA_CA_FILE)."
            ),
        )
    if not configured_roots()[1]:
        return Check(
            "timestamping",
            False,
            _(
                "Aucune racine de confiance lisible pour vérifier les jetons d'horodatage "
                "(CRENEAU_TSA_CA_FILE : « %(path)s ») : aucun jeton ne peut être vérifié, donc "
                "aucune capture n'est « scellée et horodatée ». Donnez le fichier PEM des racines "
                "de vos autorités."
            )
            % {"path": settings.TSA_CA_FILE or "—"},
        )
    return _probe_authorities() if probe else _recent_seals()


def _probe_authorities() -> Check:
    """Ask every authority for a token over fresh bytes; each token is verified on arrival."""
    attempted = tsa.request_tokens(b"creneau doctor " + os.urandom(16).hex().encode())
    if attempted.tokens:
        names = ", ".join(sorted({t.tsa_name or t.url for t in attempted.tokens}))
        text = _(
            "Horodatage : %(ok)d autorité(s) sur %(all)d répondent et leur jeton se vérifie "
            "avec les racines configurées (%(names)s)."
        ) % {"ok": len(attempted.tokens), "all": len(settings.TSA_URLS), "names": names}
        if attempted.failures:
            text += " " + _("Sans réponse valable : %(failures)s.") % {
                "failures": " ; ".join(attempted.failures)
            }
        return Check("timestamping", True, text)
    return Check(
        "timestamping",
        False,
        _(
            "Aucune autorité d'horodatage n'a fourni de jeton vérifiable (%(failures)s). Les "
            "captures restent « scellée, horodatage en attente » et seront horodatées quand une "
            "autorité répondra. Vérifiez l'accès à internet de ce serveur, CRENEAU_TSA_URLS et "
            "CRENEAU_TSA_CA_FILE."
        )
        % {"failures": " ; ".join(attempted.failures) or "—"},
    )


def _recent_seals() -> Check:
    """Without asking anyone: is the last seal timestamped, and does its token verify?"""
    last = Seal.objects.select_related("manifest").order_by("-created_at", "-id").first()
    if last is None:
        return Check("timestamping", True, _("Horodatage configuré ; aucune preuve encore."))
    if last.state == Seal.State.AWAITING_TIMESTAMP:
        if timezone.now() - last.created_at < STALE_SEAL:
            return Check("timestamping", True, _("Horodatage configuré ; un jeton est attendu."))
        return Check(
            "timestamping",
            False,
            _(
                "La dernière preuve, scellée le %(day)s, attend toujours son horodatage : les "
                "autorités ne répondent pas. Lancez « creneau doctor » sur le serveur pour voir "
                "pourquoi (accès à internet, CRENEAU_TSA_URLS)."
            )
            % {"day": f"{timezone.localtime(last.created_at):%d/%m/%Y %H:%M}"},
        )
    if not seal_stamps(last):
        return Check(
            "timestamping",
            False,
            _(
                "Le dernier jeton d'horodatage reçu ne se vérifie pas avec les racines "
                "configurées (CRENEAU_TSA_CA_FILE) : les preuves ne sont pas dites « horodatées ». "
                "Lancez « creneau doctor » sur le serveur."
            ),
        )
    return Check("timestamping", True, _("Horodatage : le dernier jeton reçu se vérifie."))


# --- e-mail ----------------------------------------------------------------------------------


def alert_mail(probe: bool) -> Check:
    """Alerts to the person and the volunteer: a real sender, and a server that answers."""
    sender = str(settings.DEFAULT_FROM_EMAIL or "")
    if not sender or sender.endswith(LOCAL_FROM):
        return Check(
            "alert_mail",
            False,
            _(
                "Les alertes partent de « %(sender)s », une adresse qui n'existe pas hors de ce "
                "serveur : elles finiront en indésirables ou refusées. Donnez une vraie adresse "
                "d'expédition (CRENEAU_DEFAULT_FROM_EMAIL) et le serveur d'envoi "
                "(CRENEAU_EMAIL_HOST, CRENEAU_EMAIL_PORT ou CRENEAU_NOTIFY_MAIL_URL)."
            )
            % {"sender": sender or "—"},
        )
    if probe and not settings.NOTIFY_MAIL_URL:
        relay = MailSettings(
            host=settings.EMAIL_HOST, port=settings.EMAIL_PORT, security=MailSettings.Security.NONE
        )
        try:
            mailer.probe(relay)
        except mailer.MailError as exc:
            return Check(
                "alert_mail", False, _("Alertes par courriel : %(reason)s") % {"reason": exc}
            )
    return Check("alert_mail", True, _("Alertes envoyées depuis %(sender)s.") % {"sender": sender})


def organisation_mail(organisations: Iterable[Organisation] | None, probe: bool) -> Check:
    """Each organisation writes to prefectures from its own SMTP account, with a real From."""
    chosen = list(organisations) if organisations is not None else list(Organisation.objects.all())
    accounts = {m.organisation_id: m for m in MailSettings.objects.filter(organisation__in=chosen)}
    problems = []
    for organisation in chosen:
        account = accounts.get(organisation.pk)
        if account is None:
            problems.append(
                _(
                    "%(org)s : aucun serveur d'envoi des courriels (à régler dans les réglages "
                    "de l'organisation, « Serveur d'envoi des courriels »)"
                )
                % {"org": organisation.name}
            )
        elif account.from_address.endswith(LOCAL_FROM):
            problems.append(
                _("%(org)s : l'adresse d'expédition %(sender)s n'est pas une vraie adresse")
                % {"org": organisation.name, "sender": account.from_address}
            )
        elif probe:
            problems += _probe_account(organisation, account)
    if problems:
        text = _(
            "Courriels à la préfecture : %(problems)s. Sans cela, les demandes de rendez-vous "
            "ne peuvent pas partir de Créneau."
        ) % {"problems": " ; ".join(problems)}
        return Check("organisation_mail", False, text)
    return Check("organisation_mail", True, _("Courriels à la préfecture : serveur configuré."))


def _probe_account(organisation: Organisation, account: MailSettings) -> list[str]:
    try:
        mailer.probe(account)
    except mailer.MailError as exc:
        return [f"{organisation.name} : {exc}"]
    return []


# --- SMS ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsState:
    """How SMS alerts leave: the operator's gateway (configured, answered) and, for each
    organisation, its own provider (``None`` when it has none switched on)."""

    gateway: str  # scheme://host[:port] of CRENEAU_SMS_GATEWAY_URL, "" when not set
    answer: transport.GatewayAnswer | None  # None when not asked
    providers: dict[str, str | None]  # organisation slug → provider ("octopush", "twilio")
    names: dict[str, str]  # organisation slug → name

    def as_json(self) -> dict[str, object]:
        return {
            "gateway": {
                "configured": bool(self.gateway),
                "address": self.gateway or None,
                "reachable": None if self.answer is None else not self.answer.reason,
                "sender": settings.SMS_SENDER if self.gateway else None,
            },
            "organisations": self.providers,
        }


def sms_state(organisations: Iterable[Organisation] | None, probe: bool) -> SmsState:
    chosen = list(organisations) if organisations is not None else list(Organisation.objects.all())
    accounts = {
        a.organisation_id: a
        for a in SmsSettings.objects.filter(organisation__in=chosen, enabled=True)
    }
    gateway = settings.SMS_GATEWAY_URL
    return SmsState(
        gateway=transport.gateway_where(gateway) if gateway else "",
        answer=transport.probe_gateway(gateway) if gateway and probe else None,
        providers={o.slug: accounts[o.pk].provider if o.pk in accounts else None for o in chosen},
        names={o.slug: o.name for o in chosen},
    )


GATEWAY_PROBLEMS = {
    "refused": gettext_noop(
        "la passerelle SMS %(where)s mène à une adresse locale ou privée, que Créneau refuse : "
        "aucun SMS ne partira par elle"
    ),
    "tls": gettext_noop(
        "la passerelle SMS %(where)s répond, mais son certificat TLS ne se vérifie pas"
    ),
    "unreachable": gettext_noop("la passerelle SMS %(where)s ne répond pas"),
}


def sms(organisations: Iterable[Organisation] | None, probe: bool) -> Check:
    """Whether an SMS alert can leave: through an organisation's provider (not asked: that
    would need its account) or the operator's gateway (asked, without sending, never printing
    its token). No SMS set up at all is not a fault: alerts go by the other channels."""
    state = sms_state(organisations, probe)
    own = [
        f"{state.names[slug]} ({provider})"
        for slug, provider in state.providers.items()
        if provider
    ]
    without = [state.names[slug] for slug, provider in state.providers.items() if not provider]
    if state.answer is not None and state.answer.reason:
        problem = _(GATEWAY_PROBLEMS[state.answer.reason]) % {"where": state.gateway}
        text = _(
            "Alertes par SMS : %(problem)s. Vérifiez CRENEAU_SMS_GATEWAY_URL et l'accès à "
            "internet de ce serveur ; en attendant, les SMS des personnes suivies sans service "
            "propre à l'organisation passent par courriel."
        ) % {"problem": problem}
        return Check("sms", False, text)
    parts = []
    if own:
        parts.append(_("service propre (non interrogé) : %(list)s") % {"list": ", ".join(own)})
    if state.gateway:
        parts.append(_gateway_words(state, without))
    elif without:
        parts.append(
            _(
                "aucun SMS pour %(list)s (ni service propre, ni passerelle "
                "CRENEAU_SMS_GATEWAY_URL) : leurs alertes passent par les autres canaux"
            )
            % {"list": ", ".join(without)}
        )
    if not parts:
        parts.append(_("aucun service configuré ; les alertes passent par les autres canaux"))
    return Check("sms", True, _("Alertes par SMS : %(parts)s.") % {"parts": " ; ".join(parts)})


def _gateway_words(state: SmsState, without: list[str]) -> str:
    who = ", ".join(without) if without else _("aucune organisation pour l'instant")
    if state.answer is None:
        text = _("passerelle %(where)s (non interrogée), expéditeur « %(sender)s », pour %(who)s")
    else:
        text = _(
            "passerelle %(where)s joignable (réponse HTTP %(status)s, aucun SMS envoyé), "
            "expéditeur « %(sender)s », pour %(who)s"
        )
    return text % {
        "where": state.gateway,
        "status": state.answer.status if state.answer else "",
        "sender": settings.SMS_SENDER,
        "who": who,
    }


# --- the rest --------------------------------------------------------------------------------


def site_url() -> Check:
    if not settings.SITE_URL_GIVEN:
        return Check(
            "site_url",
            False,
            _(
                "L'adresse publique du site n'est pas donnée (CRENEAU_SITE_URL) : les liens "
                "envoyés aux personnes et aux bénévoles pointeraient vers %(url)s, qu'ils ne "
                "peuvent pas ouvrir. Donnez l'adresse https://… par laquelle on joint ce site."
            )
            % {"url": settings.SITE_URL},
        )
    return Check("site_url", True, _("Adresse du site : %(url)s.") % {"url": settings.SITE_URL})


def chromium() -> Check:
    found = chromium_path()
    if not found or not os.access(found, os.X_OK):
        return Check(
            "chromium",
            False,
            _(
                "Chromium est introuvable : aucune capture ne peut être faite. Installez-le "
                "(scripts/bootstrap, ou apt-get install chromium) ou donnez son chemin "
                "(CRENEAU_CHROMIUM_PATH)."
            ),
        )
    return Check("chromium", True, _("Chromium : %(path)s.") % {"path": found})


def evidence_store(probe: bool) -> Check:
    """Where the evidence lives; with S3, whether the bucket answers and has Object Lock."""
    found = storage.describe(probe)
    if found.backend == "local":
        text = _("Preuves : dossier local %(where)s.") % {"where": found.location}
        return Check("evidence_store", True, text)
    if found.detail and found.locked is None and probe:
        return Check(
            "evidence_store",
            False,
            _(
                "Le stockage des preuves %(where)s ne répond pas (%(why)s) : aucune capture ne "
                "peut être conservée. Vérifiez CRENEAU_S3_ENDPOINT_URL, CRENEAU_S3_BUCKET et les "
                "clés d'accès."
            )
            % {"where": found.location, "why": found.detail},
        )
    return Check("evidence_store", *_lock_words(found))


def _lock_words(found: storage.Description) -> tuple[bool, str]:
    where = {"where": found.location}
    if found.locked is None:
        return True, _("Preuves : stockage S3 %(where)s (non interrogé).") % where
    if found.locked:
        text = _("Preuves : stockage S3 %(where)s, verrouillage Object Lock actif (%(rule)s).")
        return True, text % (where | {"rule": found.detail or "—"})
    if settings.S3_LOCK_MODE:
        text = _(
            "Preuves : le compartiment %(where)s n'a pas Object Lock, mais CRENEAU_S3_LOCK_MODE "
            "le demande : les écritures seront refusées. Créez un compartiment avec Object Lock "
            "ou retirez CRENEAU_S3_LOCK_MODE."
        )
        return False, text % where
    text = _(
        "Preuves : stockage S3 %(where)s, sans Object Lock (le stockage ne protège pas lui-même "
        "les preuves contre l'effacement ; un compartiment avec Object Lock le ferait)."
    )
    return True, text % where


def disk_space() -> Check:
    folder = Path(settings.DATA_DIR)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    gigabytes = f"{free / 1024**3:.1f}".replace(".", ",")
    if free < MIN_FREE_BYTES:
        return Check(
            "disk_space",
            False,
            _(
                "Il ne reste que %(free)s Go libres pour les données (%(folder)s) : les captures "
                "et les dossiers de dépôt risquent d'échouer. Libérez de la place ou agrandissez "
                "le disque (2 Go au moins)."
            )
            % {"free": gigabytes, "folder": folder},
        )
    return Check("disk_space", True, _("Espace libre : %(free)s Go.") % {"free": gigabytes})
