"""Properties of the classifier that must hold for every page, checked with hypothesis.

The one error we never accept is a false ``no_slot``: hidden text, error statuses and random
noise must never produce one, while harmless typographic variations must not lose a real one.
"""

import html
import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creneau.watch import signals
from creneau.watch.classify import NO_SLOT, OUTCOMES, SLOTS_AVAILABLE, classify
from creneau.watch.pagetext import fold, read
from creneau.watch.scripts import load_alerts
from tests.watch.test_classify import LABELS, classify_label

CORPUS = Path(__file__).parent / "corpus"
RDV_PREF_CRENEAU = (
    "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/creneau/"
)
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NO_SLOT_SENTENCES = [
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement.",
    "There is no longer a free time slot for your appointment request.",
    "Aucun créneau disponible",
    "0 créneau disponible",
    "Aucun rendez-vous n'est possible pour les motifs selectionnnés ou le créneau horaire "
    "séléctionné.",
    "Il n'y a pas de rendez-vous disponible pour ce service.",
    "Malheureusement, aucun créneau correspondant à votre recherche n'a été trouvé.",
    "Malheureusement, tous les créneaux sont pris.",
    "Aucune disponibilité",
]
HIDING = [
    "<template><p>{}</p></template>",
    "<p hidden>{}</p>",
    "<div hidden=''><span>{}</span></div>",
    '<p style="display:none">{}</p>',
    '<p style="DISPLAY : none;color:red">{}</p>',
    '<div style="visibility: hidden"><h2>{}</h2></div>',
    '<p aria-hidden="true">{}</p>',
    '<script>var m = "{}";</script>',
    "<noscript><p>{}</p></noscript>",
    '<input type="hidden" name="m" value="{}">',
    "<!-- {} -->",
    '<p class="d-none">{}</p>',
    '<h3 class="fr-callout__title fr-hidden">{}</h3>',
    "<details><summary>Aide</summary><p>{}</p></details>",
    "<style>.vide{{display:none}}</style><p class='vide'>{}</p>",
    "<dialog><p>{}</p></dialog>",
]
SLOT_PAGES = [
    ("legacy_step4_calendar.html", ""),
    ("legacy_ajax_week_free.html", "https://www.rdv.cote-dor.gouv.fr/booking/create/1092/4"),
    ("rdvpref_creneau_slots.html", ""),
    ("rdvsp_creneaux_week.html", "https://rdv.anct.gouv.fr/prendre_rdv?motif_id=42"),
    ("eappt_datepicker_slots.html", ""),
]


def _body_line_starts(page: str) -> list[int]:
    """Offsets of the line starts inside <body> (or the whole fragment), outside <script>."""
    start = page.find("<body")
    start = page.find("\n", start) + 1 if start >= 0 else 0
    offsets = [m.start() + 1 for m in re.finditer("\n", page) if m.start() + 1 >= start]
    return [
        offset
        for offset in offsets
        if page.count("<script", 0, offset) == page.count("</script>", 0, offset)
    ] or [start]


@BOUNDED
@given(
    page=st.sampled_from(SLOT_PAGES),
    sentence=st.sampled_from(NO_SLOT_SENTENCES),
    hiding=st.sampled_from(HIDING),
    where=st.integers(min_value=0),
)
def test_hidden_no_slot_text_in_a_slots_page_never_decides(page, sentence, hiding, where):
    name, url = page
    text = (CORPUS / name).read_text(encoding="utf-8")
    starts = _body_line_starts(text)
    at = starts[where % len(starts)]
    injected = text[:at] + hiding.format(html.escape(sentence)) + "\n" + text[at:]
    assert classify(injected, final_url=url).outcome == SLOTS_AVAILABLE


NEUTRAL_PAGES = [
    ("legacy_step0_conditions.html", ""),
    ("rdvpref_spa_shell.html", RDV_PREF_CRENEAU),
    ("rdvpref_creneau_no_slot.html", ""),
    ("rdvsp_motif_selection.html", "https://rdv.anct.gouv.fr/prendre_rdv"),
    ("eappt_motives.html", ""),
    ("legacy_ajax_week_free.html", "https://www.rdv.cote-dor.gouv.fr/booking/create/1092/4"),
]


@BOUNDED
@given(
    page=st.sampled_from(NEUTRAL_PAGES),
    sentence=st.sampled_from(NO_SLOT_SENTENCES),
    hiding=st.sampled_from(HIDING),
    where=st.integers(min_value=0),
)
def test_hidden_no_slot_text_alone_never_makes_a_page_no_slot(page, sentence, hiding, where):
    name, url = page
    text = (CORPUS / name).read_text(encoding="utf-8")
    if name == "rdvpref_creneau_no_slot.html":  # remove its visible answer, keep the layout
        text = text.replace("Aucun créneau disponible", "Chargement du calendrier…")
    if name == "legacy_ajax_week_free.html":  # a week whose free cells are all hidden
        text = text.replace("<a href", "<a hidden href")
    starts = _body_line_starts(text)
    at = starts[where % len(starts)]
    injected = text[:at] + hiding.format(html.escape(sentence)) + "\n" + text[at:]
    assert classify(injected, final_url=url).outcome != NO_SLOT


APOSTROPHES = ["'", "’", "ʼ", "&#39;", "&rsquo;", "&#8217;", "&apos;"]
SPACES = [" ", "  ", "&nbsp;", "\u00a0", "\u202f", "&#160;", "\n", " \n\t ", "<br>"]
WRAPS = ["{}", "<b>{}</b>", "<span>{}</span>", '<font style="vertical-align: inherit;">{}</font>']
NO_SLOT_PAGES = [
    (
        "<form id='FormBookingCreate' name='create'>{}"
        "<input type='submit' name='finishButton' value='Terminer'></form>",
        "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
        "Veuillez recommencer ultérieurement.",
        "",
    ),
    (
        "<main><div class='fr-callout'><h3>{}</h3><p>Dernière mise en ligne de rendez-vous : "
        "le 04/05/2026 à 11:58</p></div></main>",
        "Aucun créneau disponible",
        "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/creneau/",
    ),
    (
        "<main><p class='fr-text--lead'>{}</p></main>",
        "Malheureusement, aucun créneau correspondant à votre recherche n'a été trouvé.",
        "https://rdv.anct.gouv.fr/prendre_rdv",
    ),
]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@st.composite
def typographic_variant(draw, sentence: str) -> str:
    """The sentence as some page or browser could spell it, with the same meaning."""
    case = draw(st.sampled_from([str, str.upper, str.lower]))
    text = case(sentence)
    if draw(st.booleans()):
        text = _strip_accents(text)
    words: list[str] = []
    for word in text.split(" "):
        word = word.replace("'", draw(st.sampled_from(APOSTROPHES)))
        if draw(st.booleans()):
            word = "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in word)
        words.append(draw(st.sampled_from(WRAPS)).format(word))
    separators: list[str] = [draw(st.sampled_from(SPACES)) for _ in words[1:]]
    return words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))


@BOUNDED
@given(data=st.data(), page=st.sampled_from(NO_SLOT_PAGES))
def test_typographic_variants_of_a_no_slot_page_stay_no_slot(data, page):
    template, sentence, url = page
    variant = data.draw(typographic_variant(sentence))
    result = classify(template.format(variant), final_url=url)
    assert result.outcome == NO_SLOT, variant


@BOUNDED
@given(label=st.sampled_from(LABELS), status=st.integers(min_value=500, max_value=599))
def test_a_page_served_with_a_server_error_status_is_never_no_slot(label, status):
    page = (CORPUS / label.file).read_text(encoding="utf-8")
    result = classify(page, status=status, final_url=label.url, dialogs=label.dialogs)
    assert result.outcome != NO_SLOT


@BOUNDED
@given(label=st.sampled_from([label for label in LABELS if label.outcome == NO_SLOT]))
def test_a_no_slot_page_whose_inner_text_lacks_the_sentence_is_not_no_slot(label):
    page = (CORPUS / label.file).read_text(encoding="utf-8")
    if label.dialogs:  # dialog texts are seen outside the page: innerText cannot contradict them
        return
    result = classify(page, final_url=label.url, visible_text="Chargement…")
    assert result.outcome != NO_SLOT
    assert classify_label(label).outcome == NO_SLOT


FRAGMENTS = [
    "<div hidden>",
    "</div>",
    "<template>",
    "</template>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<b>",
    "</b>",
    "<br>",
    "<p>",
    "</p>",
    "&nbsp;",
    "&#",
    "&eacute;",
    "« ",
    " »",
    '"',
    "Si ",
    "si le message ",
    " : ",
    ":\n",
    ".",
    " ",
    "\n",
    "<form id='FormBookingCreate'>",
    "<rdv-captchetat>",
    "<a href='/booking/create/1/5/1780000000'>",
    "09:00",
    "</a>",
    "<td class='free'>",
    "Légende",
    "libre",
    "Semaine du 1/1",
    "<style>.x{display:none}</style>",
    "<p class='x'>",
    "<h2>",
    "</h2>",
    "<button>",
    "</button>",
    "Erreur",
    "502 Bad Gateway",
    "Aucun",
    "créneau",
    "disponible",
    "Il n'existe plus de plage horaire libre",
    " pour votre demande de rendez-vous",
    *NO_SLOT_SENTENCES,
]
URLS = [
    "",
    "https://www.hauts-de-seine.gouv.fr/booking/create/12083/2",
    "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/creneau/",
    "https://rdv.anct.gouv.fr/prendre_rdv",
    "https://rdv-etrangers-94.interieur.gouv.fr/eAppointmentpref94/appointment.do",
    "chrome-error://chromewebdata/",
]
NO_SLOT_PATTERNS = [phrase.bare for phrase in signals.NO_SLOT] + [re.compile(r"^semaine du ")]


@BOUNDED
@given(
    pieces=st.lists(st.one_of(st.text(max_size=20), st.sampled_from(FRAGMENTS)), max_size=40),
    url=st.sampled_from(URLS),
    status=st.one_of(st.none(), st.integers(min_value=100, max_value=599)),
    dialogs=st.lists(
        st.one_of(st.text(max_size=30), st.sampled_from(NO_SLOT_SENTENCES)), max_size=2
    ),
    with_inner_text=st.booleans(),
)
def test_random_pages_never_crash_and_say_no_slot_only_for_a_visible_known_sentence(
    pieces, url, status, dialogs, with_inner_text
):
    page = "".join(pieces)
    shown = read(page).text
    result = classify(
        page,
        status=status,
        final_url=url,
        dialogs=dialogs,
        visible_text=shown if with_inner_text else None,
    )
    assert result.outcome in OUTCOMES
    if result.outcome != NO_SLOT:
        return
    matched = fold(result.matched)
    assert any(pattern.search(matched) for pattern in NO_SLOT_PATTERNS), result
    # A saved page's own load-time alerts count as dialogs when none were given.
    alerts = load_alerts(read(page).scripts) if not with_inner_text and not dialogs else ()
    seen = [fold(shown), *(fold(d) for d in [*dialogs, *alerts])]
    assert any(matched in text for text in seen), result
    assert status is None or status < 400
