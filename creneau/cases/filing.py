"""Which route a case's application takes (booking, ANEF, post, form), and why.

The case's own choice wins (the prefecture's page decides, and the volunteer says what it says);
then the catalog's row for the démarche in that département, then its national row; then, when
the page followed is the ANEF téléservice itself, ANEF; otherwise a booking page, by default.
The reason is French and names its source, so the case page can show it as it is.
"""

from dataclasses import dataclass

from creneau.cases.models import Case
from creneau.catalog.channels import CatalogChannel, catalog_channel
from creneau.catalog.legal import checked_phrase, citation
from creneau.catalog.models import BookingSystem, FilingChannel

BOOKING = str(FilingChannel.BOOKING)
ANEF = str(FilingChannel.ANEF)


@dataclass(frozen=True)
class FilingRoute:
    channel: str  # booking, anef, post, form
    basis: str  # case, catalog, page, default
    reason: str  # French, for the case page
    verified: bool  # whether what the reason rests on was checked by someone
    catalog: CatalogChannel | None = None  # what the catalog says, even when the case overrides

    @property
    def label(self) -> str:
        return str(FilingChannel(self.channel).label)

    @property
    def is_anef(self) -> bool:
        return self.channel == ANEF

    @property
    def outside_list(self) -> bool:
        """ANEF chosen for a démarche the catalog says is lodged otherwise (CE avis n° 461694:
        a prefect cannot make a téléservice compulsory outside the list)."""
        return self.is_anef and self.catalog is not None and self.catalog.channel != ANEF


def _from_catalog(found: CatalogChannel) -> str:
    where = f" (préfecture : {found.department})" if found.department else ""
    text = f" — {found.text}" if found.text else ""
    since = f", depuis le {found.since:%d/%m/%Y}" if found.since else ""
    note = f" {found.note}" if found.note else ""
    return (
        f"Catalogue{where} : « {found.procedure} » → {found.label}{since}{text}.{note} "
        f"Source : {found.source} ({found.checked})."
    )


def filing_route(case: Case) -> FilingRoute:
    found = catalog_channel(case.procedure_id, case.department_id)
    if case.channel:
        note = case.channel_note.strip() or "sans précision notée"
        reason = f"Choisie pour ce dossier : {note}"
        if found is not None and found.channel != case.channel:
            reason += f" (le catalogue indique : {found.label})"
        return FilingRoute(case.channel, "case", reason + ".", bool(case.channel_note), found)
    if found is not None:
        return FilingRoute(found.channel, "catalog", _from_catalog(found), found.is_verified, found)
    page = case.booking_page
    if page is not None and page.system == BookingSystem.ANEF:
        reason = (
            "La page suivie est celle du téléservice ANEF ; la démarche n'est pas précisée "
            "au catalogue : indiquer la voie du dossier si ce n'est pas une demande en ligne."
        )
        return FilingRoute(ANEF, "page", reason, False)
    listed = checked_phrase("ceseda_annexe_9")
    reason = (
        "Par défaut : rendez-vous en préfecture pour déposer la demande, règle des titres hors "
        f"de l'{citation('ceseda_annexe_9')} ({citation('ceseda_r431_3')}, "
        f"{checked_phrase('ceseda_r431_3')} ; liste de l'annexe {listed}) ; le catalogue ne "
        "précise pas cette démarche. Si la page de la préfecture indique une autre voie (ANEF, "
        "courrier, formulaire), la choisir pour ce dossier."
    )
    return FilingRoute(BOOKING, "default", reason, False)


def is_anef(case: Case) -> bool:
    return filing_route(case).is_anef
