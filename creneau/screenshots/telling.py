"""What a reading says, in French words for the volunteer (pages, messages after an upload)."""

from datetime import datetime
from typing import Protocol

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creneau.cases.models import Outcome
from creneau.screenshots.offered import Offered

SOURCES = {
    "exif": gettext_lazy("d'après les métadonnées de l'image"),
    "filename": gettext_lazy("d'après le nom du fichier"),
    "png_time": gettext_lazy("d'après la date d'enregistrement du fichier"),
    "visible_clock": gettext_lazy("d'après l'horloge affichée sur la capture"),
    "declared": gettext_lazy("heure déclarée : l'image n'en donne aucune"),
}


class Read(Protocol):
    """What a fresh ``Reading`` and a stored ``ScreenshotReading`` both have."""

    @property
    def outcome(self) -> str: ...
    @property
    def statement(self) -> str: ...
    @property
    def taken_at(self) -> datetime | None: ...
    @property
    def host(self) -> str | None: ...
    @property
    def taken_at_source(self) -> str | None: ...
    @property
    def prefecture(self) -> str | None: ...


def describe(reading: Read) -> str:
    """« aucune phrase « pas de créneau » lue ; prise le 03/09/2026 à 14:32 d'après le nom du
    fichier ; site seine-saint-denis.gouv.fr ; Préfecture — Seine-Saint-Denis »."""
    if reading.statement:
        what = _("phrase lue : « %(statement)s »") % {"statement": reading.statement}
    elif reading.outcome == Outcome.SLOTS_AVAILABLE:
        what = _("des créneaux apparaissent")
    else:
        what = _("aucune phrase disant qu'il n'y a pas de créneau n'a été lue")
    parts = [what]
    if reading.taken_at is not None:
        local = timezone.localtime(reading.taken_at)
        source = SOURCES.get(reading.taken_at_source or "", "")
        parts.append(_("prise le %(when)s") % {"when": f"{local:%d/%m/%Y à %H:%M}"})
        parts[-1] += f" {source}" if source else ""
    else:
        parts.append(_("l'image ne dit pas quand elle a été prise"))
    if reading.host:
        parts.append(_("site %(host)s") % {"host": reading.host})
    if reading.prefecture:
        parts.append(str(reading.prefecture))
    return " ; ".join(parts)


def tell_volunteer(request: HttpRequest, offered: Offered) -> None:
    """After an upload: what was read, each warning, or that the reading is still running."""
    for item in offered.read:
        messages.info(request, _("Capture lue : %(what)s.") % {"what": describe(item.reading)})
        if item.set_aside:
            messages.warning(
                request,
                _(
                    "Capture mise de côté : la tentative n'est pas comptée, et sa capture n'ira "
                    "pas au tribunal, tant que vous ne l'avez pas gardée avec une note."
                ),
            )
        for warning in item.warnings:
            messages.warning(request, warning.message)
    if offered.pending:
        messages.info(
            request,
            _("Lecture de la capture en cours (grande image) : le résultat s'affichera ici."),
        )
    for reason in offered.unread:
        messages.warning(request, _("Capture non lue : %(reason)s") % {"reason": reason})
