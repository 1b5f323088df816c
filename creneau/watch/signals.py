"""The words and marks the classifier looks for, as data.

Every phrase is written in folded form (see ``pagetext.fold``: lower case, no accents, straight
apostrophes) and is a regular expression in which a space matches any run of white space,
line breaks included. Sources: /work/shared/reference/booking-systems.md (§2 to §7). English
variants cover pages translated by the browser (Chrome wraps the translation in ``<font>``).

A *sentence phrase* must begin a sentence of the visible text: « Si aucun créneau n'est
disponible… » or « le message "Aucun créneau disponible" » never count as statements.
A *short* phrase (a bare label such as « Aucune disponibilité ») must also end its sentence and
only counts on a page already recognised as its own booking system: on an unknown layout it may
be the label of one day among others that we cannot read.
"""

import re
from dataclasses import dataclass

LEGACY = "legacy"
RDV_PREFECTURE = "rdv_prefecture"
EAPPOINTMENT = "eappointment"
RDV_SERVICE_PUBLIC = "rdv_service_public"
DEMARCHES_SIMPLIFIEES = "demarches_simplifiees"
GENERIC = "generic"  # infrastructure pages in front of any site: CDN challenge, waiting room

_SENTENCE_START = r"(?:^|(?<=[.!?;:] ))"
_SENTENCE_END = r"(?=\s?[.!]|$)"


@dataclass(frozen=True)
class Phrase:
    system: str  # the booking system whose page says it, "" for any
    anchored: re.Pattern[str]  # as the beginning of a sentence of the page
    bare: re.Pattern[str]  # the same words anywhere (checked against the browser's innerText)
    short: bool = False


def phrase(system: str, source: str, *, short: bool = False) -> Phrase:
    # « rendez vous » without its hyphen is a common variant (typing, translation, OCR).
    body = source.replace(" ", r"\s+").replace("rendez-vous", r"rendez(?:-|\s+)?vous")
    end = _SENTENCE_END if short else ""
    return Phrase(
        system=system,
        anchored=re.compile(f"{_SENTENCE_START}(?:{body}){end}", re.MULTILINE),
        bare=re.compile(body, re.MULTILINE),
        short=short,
    )


NO_SLOT = (
    # A: the module's only answer when no slot is left; also its 2025 and press variants.
    phrase(
        LEGACY,
        r"il n'existe (?:actuellement )?(?:plus|pas) de plages? horaires? (?:libres? )?"
        r"pour (?:votre|la) (?:demande de |prise de )?rendez-vous",
    ),
    phrase(
        LEGACY,
        r"there (?:is|are) no (?:longer|more) (?:an? |any )?(?:free |available |open )?"
        r"(?:time ?)?slots?(?: available| free)? for (?:your|the) "
        r"(?:appointment request|request for an appointment|appointment)",
    ),
    # B: the /creneau/ page.
    phrase(
        RDV_PREFECTURE,
        r"aucun creneau (?:n'est )?disponible"
        r"(?: pour le moment| actuellement| pour cette demarche)?",
        short=True,
    ),
    phrase(RDV_PREFECTURE, r"0 creneaux? disponibles?", short=True),
    phrase(RDV_PREFECTURE, r"no (?:available )?(?:time ?)?slots?(?: available)?", short=True),
    # C: native alert() texts (typos as the site writes them do not matter: prefix only).
    phrase(EAPPOINTMENT, r"aucun rendez-vous n'est possible pour les? motifs?"),
    phrase(EAPPOINTMENT, r"il n'y a pas de rendez-vous disponibles? pour ce service"),
    # D: RDV Service Public search and reschedule pages.
    phrase(
        RDV_SERVICE_PUBLIC,
        r"malheureusement, aucun creneau correspondant a votre (?:recherche|invitation) "
        r"n'a ete trouve",
    ),
    phrase(RDV_SERVICE_PUBLIC, r"malheureusement, tous les creneaux sont pris"),
    phrase(
        RDV_SERVICE_PUBLIC,
        r"unfortunately, no (?:time ?)?slots? (?:matching|corresponding to) your "
        r"(?:search|invitation) (?:was|were|has been|have been|could be) found",
    ),
    phrase(
        RDV_SERVICE_PUBLIC,
        r"unfortunately, all (?:the )?(?:time ?)?slots are (?:taken|booked|full)",
    ),
    phrase(RDV_SERVICE_PUBLIC, r"aucune disponibilite", short=True),
)

SLOTS = (
    phrase(LEGACY, r"description de la nature du rendez-vous", short=True),
    phrase(LEGACY, r"description of the nature of the appointment", short=True),
    phrase(LEGACY, r"premiere plage horaire libre", short=True),
    phrase(LEGACY, r"first (?:free|available) time ?slot", short=True),
    phrase(RDV_SERVICE_PUBLIC, r"prochaine disponibilite le"),
    phrase(RDV_SERVICE_PUBLIC, r"next availability (?:on|the)"),
    phrase("", r"(?:premier|prochain) creneau disponible (?:le|:)"),
    phrase("", r"(?:first|next) available (?:time ?)?slot (?:on|:)"),
)

CLOSED = (
    phrase(LEGACY, r"cette page n'est pas disponible pour le moment"),
    phrase(LEGACY, r"this page is not available (?:at|for) the moment"),
    phrase(DEMARCHES_SIMPLIFIEES, r"cette demarche en ligne a ete close"),
    phrase(
        DEMARCHES_SIMPLIFIEES,
        r"cette demarche (?:en ligne )?(?:est|a ete) (?:close|cloturee|fermee)",
    ),
    phrase(DEMARCHES_SIMPLIFIEES, r"this online procedure has been closed"),
    phrase(RDV_SERVICE_PUBLIC, r"le motif [^\n]{1,150}? n'est plus disponible a la reservation"),
    phrase(
        "",
        r"la prise de (?:rendez-vous|rdv) (?:en ligne )?(?:est|a ete) "
        r"(?:actuellement |temporairement |momentanement )?"
        r"(?:suspendue|fermee|interrompue|desactivee)",
    ),
    phrase(
        "",
        r"les prises de (?:rendez-vous|rdv) (?:en ligne )?sont "
        r"(?:actuellement |temporairement |momentanement )?(?:suspendues|fermees|interrompues)",
    ),
    phrase(
        "",
        r"(?:le )?(?:site|service) (?:est )?(?:actuellement |momentanement |temporairement )?"
        r"en (?:cours de )?maintenance",
    ),
    phrase("", r"(?:une )?operation de maintenance est en cours"),
    phrase("", r"(?:the )?(?:site|service) is (?:currently |temporarily )?under maintenance"),
    phrase(
        "",
        r"(?:online )?appointment booking is (?:currently |temporarily )?(?:suspended|closed)",
    ),
)

# Intermediate steps of a flow: expected pages that say nothing about availability.
STEPS = (
    phrase(LEGACY, r"(?:veuillez cocher|cliquez) la case pour accepter les conditions"),
    phrase(LEGACY, r"effectuer une demande de rendez-vous", short=True),
    phrase(LEGACY, r"choix de la nature du rendez-vous", short=True),
    phrase(RDV_SERVICE_PUBLIC, r"selectionnez (?:le service|le motif|un lieu)"),
    phrase(RDV_SERVICE_PUBLIC, r"(?:entrez|saisissez|indiquez) votre adresse"),
    phrase(DEMARCHES_SIMPLIFIEES, r"commencer la demarche", short=True),
)


def _any(*sources: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{s})" for s in sources), re.MULTILINE)


# Technical failures. Error pages share « réessayer plus tard » with no-slot wording, so that
# wording is deliberately absent here and never decides anything on its own.
ERRORS = _any(
    r"\b(?:400 bad request|401 unauthorized|403 forbidden|404 not found|408 request time-?out"
    r"|429 too many requests|500 internal server error|502 bad gateway"
    r"|503 service (?:temporarily )?unavailable|504 gateway time-?out)\b",
    r"^(?:bad gateway|gateway time-?out|service (?:temporarily )?unavailable|internal server error"
    r"|forbidden|too many requests|access denied|acces refuse|request blocked)$",
    r"\berror (?:5[0-3]\d|10[0-9]{2})\b",
    r"\berr_[a-z_]{4,}\b",
    r"ce site est inaccessible|this site can't be reached|impossible d'acceder au site",
    r"une erreur (?:technique |inattendue |interne |inconnue )?(?:est survenue|s'est produite)",
    r"an (?:unexpected |internal )?error (?:has )?occurred",
    r"^erreur (?:technique|interne|serveur|systeme)\b",
    r"(?:le )?service (?:est )?(?:temporairement|momentanement) indisponible",
    r"rencontre un probleme, nous travaillons",
    r"limite d'appels api atteinte|trop de requetes",
    r"web server is down|origin is unreachable",
    r"\berror code (?:4(?:03|29)|5\d\d|10\d\d)\b",
    r"the requested url was rejected",
    r"sorry, you have been blocked|you are unable to access\b|you are being rate limited",
    r"the server is temporarily unable to service your request",
    r"\bjava\.lang\.\w+exception\b|traceback \(most recent call last\)",
)
ERROR_TITLE = re.compile(r"\b(?:erreur|error)\b")

CHALLENGE_TEXT = _any(
    r"verifiez que vous etes (?:un )?humain",
    r"verify(?:ing)? (?:that )?you are (?:a )?human",
    r"verification que vous etes (?:un )?humain",
    r"needs to review the security of your connection before proceeding",
    r"doit verifier la securite de votre connexion",
    r"checking (?:if the site connection is secure|your browser)",
    r"performing security verification",
    r"verification de securite en cours",
)
CHALLENGE_TITLE = re.compile(r"^(?:just a moment|un instant|attention required)\b")
CHALLENGE_MARKUP = re.compile(r"/cdn-cgi/challenge-platform/|\bcf-turnstile\b|\bcf-chl-")

QUEUE_TEXT = _any(
    r"vous etes (?:maintenant |actuellement )?dans (?:la )?file d'attente",
    r"you are (?:now )?in (?:the )?(?:line|queue)",
    r"temps d'attente estime",
    r"your estimated wait(?:ing)? time",
    r"salle d'attente virtuelle",
)
QUEUE_MARKUP = re.compile(r"queue-it\.net|\bqueueit\b|\bmainpart_|cf-waiting-room")

# A time of day as a slot button shows it: 09:30, 9h30, 14 h 00, optionally a range.
_TIME = r"(?:[01]?\d|2[0-3]) ?[:h] ?[0-5]\d"
TIME_LABEL = re.compile(rf"^(?:{_TIME})(?: ?(?:-|a|to) ?{_TIME})?$")
# A slot button may add a few words after its time (« 09:30 - guichet 2 », « 10:15 libre »).
TIME_BUTTON = re.compile(rf"^(?:{_TIME})(?!\d)[^\n]{{0,40}}$")
# ...but not opening hours or news headlines that start with a time (« 9h00 - 16h00 du lundi au
# vendredi », « 14h30 : conférence de presse »), which prefecture pages link to everywhere.
NOT_A_SLOT_BUTTON = re.compile(
    r"\b(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) au"
    r"|horaires?|ouverture|fermeture|conference|opening hours|closing time|monday to)\b"
)
CHOOSE_SLOT_LABEL = re.compile(rf"^choisir le creneau de ({_TIME})")
LEGACY_SLOT_LINK = re.compile(r"/booking/create/\d+/5/(\d{9,11})\b")
LEGACY_HELD_STEP = re.compile(r"/etape_?[5-9]r\.(?:png|gif|jpe?g)\b")
LEGACY_SLOT_STEP = re.compile(r"/etape_?[34]r\.(?:png|gif|jpe?g)\b")
FIRST_AVAILABLE_DATE = re.compile(r'"datepremieredispo"\s*:\s*"[^"\s]+"', re.IGNORECASE)
# The address a browser writes into a page it saves: Chrome/IE's « saved from url=(NNNN)… » mark
# and SingleFile's header comment. Only used to recognise the booking system of a saved file.
SAVED_FROM = re.compile(
    r"<!--\s*(?:saved from url=\(\d+\)|page saved with singlefile\s+url:)\s*(https?://[^\s>]+)",
    re.IGNORECASE,
)
SAVED_FROM_WINDOW = 4096  # both marks sit at the top of the file
