"""The words and marks the classifier looks for, as data.

Every phrase is written in folded form (see ``pagetext.fold``: lower case, no accents, straight
apostrophes) and is a regular expression in which a space matches any run of white space,
line breaks included. Sources: /work/shared/reference/booking-systems.md (§2 to §7) and the real
texts of issue 18. English variants cover pages translated by the browser (Chrome wraps the
translation in ``<font>``); other languages are not read (they stay ``unknown``).

A *sentence phrase* must begin a sentence of the visible text: « Si aucun créneau n'est
disponible… » or « le message "Aucun créneau disponible" » never count as statements.
A *short* phrase (a bare label such as « Aucune disponibilité ») must also end its sentence and
only counts on a page already recognised as one of its booking systems: on an unknown layout it
may be the label of one day among others that we cannot read.
"""

import re
from dataclasses import dataclass

LEGACY = "legacy"
RDV_PREFECTURE = "rdv_prefecture"
EAPPOINTMENT = "eappointment"
RDV_SERVICE_PUBLIC = "rdv_service_public"
DEMARCHES_SIMPLIFIEES = "demarches_simplifiees"
ANEF = "anef"  # not a booking system: its outages and maintenance are never "no slot"
QMATIC = "qmatic"
SYNBIRD = "synbird"
CLICRDV = "clicrdv"
SMARTAGENDA = "smartagenda"
GENERIC = "generic"  # infrastructure pages in front of any site: CDN challenge, waiting room
VENDORS = (QMATIC, SYNBIRD, CLICRDV, SMARTAGENDA)

_SENTENCE_START = r"(?:^|(?<=[.!?;:] ))"
# A label ends its sentence: a full stop, an exclamation, a dash before what follows, or the line.
_SENTENCE_END = r"(?=\s?[.!]|\s[-|]\s|$)"


@dataclass(frozen=True)
class Phrase:
    systems: tuple[str, ...]  # the booking systems whose pages say it, () for any
    anchored: re.Pattern[str]  # as the beginning of a sentence of the page
    bare: re.Pattern[str]  # the same words anywhere (checked against the browser's innerText)
    short: bool = False
    scope: str = ""  # "" when it speaks for the page; else what it speaks for (agent, day…)

    @property
    def system(self) -> str:
        return self.systems[0] if self.systems else ""

    def fits(self, system: str) -> bool:
        """Whether the phrase counts as a statement on a page of ``system``."""
        if self.short:
            return system in self.systems
        return not system or not self.systems or system in self.systems


def phrase(
    systems: str | tuple[str, ...], source: str, *, short: bool = False, scope: str = ""
) -> Phrase:
    # « rendez vous » without its hyphen is a common variant (typing, translation, OCR).
    body = source.replace(" ", r"\s+").replace("rendez-vous", r"rendez(?:-|\s+)?vous")
    end = _SENTENCE_END if short else ""
    return Phrase(
        systems=(systems,) if isinstance(systems, str) and systems else tuple(systems),
        anchored=re.compile(f"{_SENTENCE_START}(?:{body}){end}", re.MULTILINE),
        bare=re.compile(body, re.MULTILINE),
        short=short,
        scope=scope,
    )


# Booking pages that show a generic label, page-wide, when nothing can be booked.
_LABEL_SYSTEMS = (RDV_PREFECTURE, *VENDORS)
# How far ahead a page says it looked (« sur les 4 prochaines semaines »): still page-wide.
_HORIZON = (
    r"(?: pour le moment| actuellement| pour cette demarche| pour ce motif"
    r"| sur les \d{1,2} prochaine?s (?:jours|semaines|mois)| a ce jour)*"
)

NO_SLOT = (
    # A: the module's only answer when no slot is left; also its 2025 and press variants.
    phrase(
        LEGACY,
        r"il n'existe (?:actuellement )?(?:plus|pas) de plages? horaires? (?:libres? )?"
        r"pour (?:votre|la) (?:demande de |prise de )?rendez-vous",
    ),
    # Seine-Saint-Denis, 2025, in a list item (sic: « pas calendrier »).
    phrase(LEGACY, r"il n'y a (?:plus |pas )(?:de |d'autre )?calendriers? disponibles?"),
    phrase(
        LEGACY,
        r"there (?:is|are) no (?:longer|more) (?:an? |any )?(?:free |available |open )?"
        r"(?:time ?)?slots?(?: available| free)? for (?:your|the) "
        r"(?:appointment request|request for an appointment|appointment)",
    ),
    phrase(LEGACY, r"there is no (?:calendar|schedule) available"),
    # B: the /creneau/ page; its explanation line also says it on its own.
    phrase(_LABEL_SYSTEMS, rf"aucun creneau (?:n'est )?disponible{_HORIZON}", short=True),
    phrase(_LABEL_SYSTEMS, rf"0 creneaux? disponibles?{_HORIZON}", short=True),
    phrase(
        RDV_PREFECTURE,
        r"tous les rendez-vous proposes pour cette demarche ont (?:deja )?ete reserves",
    ),
    phrase(
        _LABEL_SYSTEMS,
        r"il n'y a (?:actuellement |plus |encore )?(?:aucun|pas de) creneaux? "
        rf"disponibles?{_HORIZON}",
        short=True,
    ),
    phrase(_LABEL_SYSTEMS, rf"pas de creneaux? disponibles?{_HORIZON}", short=True),
    phrase(
        _LABEL_SYSTEMS,
        rf"aucun rendez-vous (?:n'est )?disponible{_HORIZON}",
        short=True,
    ),
    # The same labels in English (a page in English, or translated by the browser).
    phrase(
        _LABEL_SYSTEMS,
        r"(?:there (?:is|are) )?no (?:available )?(?:time ?slots?|slots?|appointments?|niches?)"
        r"(?: (?:are |is )?(?:currently )?available)?(?: at (?:the|this) moment| for now)?",
        short=True,
    ),
    phrase(_LABEL_SYSTEMS, r"no (?:availability|available dates?|dates? available)", short=True),
    # C: native alert() texts (typos as the site writes them do not matter: prefix only).
    phrase(EAPPOINTMENT, r"aucun rendez-vous n'est possible pour les? motifs?"),
    phrase(EAPPOINTMENT, r"il n'y a pas de rendez-vous disponibles? pour ce service"),
    phrase(EAPPOINTMENT, r"no appointment is possible for the (?:selected )?(?:reasons?|motives?)"),
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
    phrase((RDV_SERVICE_PUBLIC, *VENDORS), r"aucune disponibilite", short=True),
    # Vendors: Qmatic web booking, Synbird, ClicRDV and Smart Agenda widgets.
    phrase(VENDORS, rf"aucune date (?:n'est )?disponible{_HORIZON}", short=True),
    phrase(
        VENDORS,
        r"aucune disponibilite (?:pour ce motif |pour cette prestation )?"
        r"sur la periode (?:affichee|selectionnee|demandee)",
    ),
    phrase(VENDORS, rf"(?:aucun|pas de) (?:rendez-vous|horaire) disponible{_HORIZON}", short=True),
    phrase(VENDORS, r"(?:pas|plus) de disponibilite", short=True),
)

# Unavailability that speaks for one agent only (RDV Service Public's follow-up with a referent):
# another agent may still offer a time, so it is never the page's answer.
SCOPED_NO_SLOT = (
    phrase(
        RDV_SERVICE_PUBLIC,
        r"votre referent n'a (?:pas|plus) de creneaux? disponibles?",
        scope="agent",
    ),
    phrase(
        RDV_SERVICE_PUBLIC,
        r"l'agent avec qui vous voulez prendre rendez-vous ne vous est pas assigne",
        scope="agent",
    ),
    # One day of RDV Service Public's week grid (« Date fermée à la reservation » is not a
    # statement of unavailability: the day lies past the booking horizon).
    phrase(RDV_SERVICE_PUBLIC, r"pas de creneau disponible", short=True, scope="day"),
)
CLOSED_DAY = re.compile(r"^date fermee a la reservation$", re.MULTILINE)

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

_SUSPENDED = r"(?:actuellement |temporairement |momentanement |provisoirement )?"
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
    phrase(RDV_SERVICE_PUBLIC, r"la prise de rendez-vous n'est pas disponible pour ce departement"),
    phrase("", r"ce lien a ete desactive(?: definitivement)?"),
    phrase("", r"this link has been (?:permanently )?(?:deactivated|disabled)"),
    phrase(
        "",
        rf"la prise de (?:rendez-vous|rdv) (?:en ligne )?(?:est|a ete|sera) {_SUSPENDED}"
        r"(?:suspendue|fermee|interrompue|desactivee|indisponible)",
    ),
    phrase(
        "",
        rf"les prises de (?:rendez-vous|rdv) (?:en ligne )?sont {_SUSPENDED}"
        r"(?:suspendues|fermees|interrompues)",
    ),
    # Suspended démarches.
    phrase(
        "",
        rf"(?:cette|la) demarche (?:[^\n.]{{1,80}} )?(?:est|a ete) {_SUSPENDED}"
        r"(?:suspendue|fermee|desactivee|indisponible|interrompue)",
    ),
    phrase(
        "",
        rf"les (?:rendez-vous|rdv|demandes de rendez-vous) (?:pour cette demarche |en ligne )?"
        rf"sont {_SUSPENDED}(?:suspendus|fermes|interrompus|indisponibles)",
    ),
    phrase("", r"cette demarche n'est (?:plus|pas encore) (?:disponible|ouverte)"),
    phrase(
        "",
        rf"(?:booking|online booking|this procedure) (?:is|has been) {_SUSPENDED}"
        r"(?:suspended|closed)",
    ),
    # Holiday closures.
    phrase(
        "",
        r"fermeture (?:estivale|annuelle|exceptionnelle|pour conges|pendant les (?:conges|fetes)"
        r"|(?:du|des) (?:bureau|service|guichet|site|services)[^\n.]{0,60} du \d{1,2}(?:er)? "
        r"[a-z]+(?: \d{4})? au)",
    ),
    phrase(
        "",
        r"(?:le|la|l') ?(?:service|bureau|guichet|accueil|site|prefecture|sous-prefecture)"
        r"[^\n.]{0,60} (?:sera|est) (?:exceptionnellement )?ferme(?:e)?s? "
        r"(?:du|jusqu'au|pendant|a partir du)",
    ),
    phrase(
        "",
        r"(?:en raison des|pendant les) (?:conges|fetes|vacances)[^\n.]{0,80}"
        r"(?:aucun rendez-vous|la prise de rendez-vous|les rendez-vous)",
    ),
    # Maintenance (planned): closed; an outage is an error (see ERRORS).
    phrase(
        "",
        r"(?:le )?(?:site|service|teleservice) (?:est )?"
        r"(?:actuellement |momentanement |temporairement )?en (?:cours de )?maintenance",
    ),
    phrase("", r"(?:une )?operation de maintenance (?:est en cours|programmee)"),
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
    r"un probleme semble s'etre produit|something (?:seems to have gone|went) wrong",
    r"limite d'appels api atteinte|trop de requetes",
    r"web server is down|origin is unreachable",
    r"\berror code (?:4(?:03|29)|5\d\d|10\d\d)\b",
    r"the requested url was rejected",
    r"sorry, you have been blocked|you are unable to access\b|you are being rate limited",
    r"the server is temporarily unable to service your request",
    r"\bjava\.lang\.\w+exception\b|traceback \(most recent call last\)",
    # Imperva (Incapsula) block page; ANEF and other outage notices.
    r"request unsuccessful\. incapsula incident id|\bincapsula incident id\b",
    r"^(?:suite a|en raison d)'?\s?une? (?:incident|panne|dysfonctionnement) technique",
    r"^(?:le )?(?:site|service|teleservice)(?: [\w-]+)? (?:est )?"
    r"(?:actuellement |momentanement |temporairement )?(?:indisponible|inaccessible)"
    r"(?: pour le moment)?\.?$",
)
# Markup of a block page whose words sit where our reader does not look (an iframe's fallback).
ERROR_MARKUP = re.compile(r"incapsula incident id", re.IGNORECASE)
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
    # In-house overload pages: the site asks to wait rather than failing.
    r"en raison d'une (?:tres )?forte (?:affluence|frequentation|demande)",
    r"(?:le site|le service|notre site) (?:connait|rencontre|subit) (?:actuellement )?une "
    r"(?:tres )?forte (?:affluence|frequentation|demande)",
    r"trop de (?:connexions|visiteurs|utilisateurs|personnes) (?:simultane(?:e)?s )?"
    r"(?:sont )?(?:connecte(?:e)?s|en ligne|sur le site)",
    r"(?:le )?nombre (?:maximum|maximal) (?:de (?:connexions|visiteurs|utilisateurs) )?"
    r"(?:simultane(?:e)?s )?(?:est |a ete )?atteint",
    r"(?:merci|veuillez) (?:de )?patienter,? vous (?:allez|serez) (?:bientot )?"
    r"(?:redirige|automatiquement redirige|connecte|admis)",
    r"(?:due to|because of) (?:high|heavy) (?:traffic|demand)|too many (?:users|visitors) "
    r"(?:are )?(?:online|connected)",
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
    r"|horaires?|ouverture|fermeture|ouverte?s?|conference"
    r"|opening hours|closing time|monday to)\b"
)
CHOOSE_SLOT_LABEL = re.compile(rf"^choisir le creneau (?:de|du [^\n]{{1,60}}? a) ({_TIME})")
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
