"""The person's data rights from the web: a copy of everything (GDPR art. 15 and 20) and erasure
(art. 17), so that a volunteer does not need a shell to answer a person's request.

Any member of the case's organisation may download the copy; only an administrator of that
organisation may erase, after typing the case reference, because erasure also destroys
evidence a court may still need (the page says so, with what would be lost).
"""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent, Member, organisations_of
from creneau.cases.access import case_or_404
from creneau.cases.downloads import folder_as_zip
from creneau.cases.models import Case
from creneau.privacy.erasure import erase_case
from creneau.privacy.transfer import write_export

# Past these states a judge has been, or is being, asked: the evidence is the case's substance.
BEFORE_THE_COURT = {Case.Status.FILED, Case.Status.INJUNCTION}

README = """Copie des données du dossier {reference}, faite le {date}.

case.json     l'identité de la personne, la démarche et chaque tentative datée,
              au format décrit dans docs/case-format.md de Créneau ;
files/        les fichiers joints aux tentatives (captures d'écran, courriels, scans).

Les manifestes des preuves et leurs jetons d'horodatage RFC 3161, quand il y en a,
restent vérifiables par l'organisation avec « creneau verify » tant que le dossier n'est pas effacé.
"""


def _is_admin(request: HttpRequest, case: Case) -> bool:
    admin_of = organisations_of(request.user, role=Member.Role.ADMIN)
    return admin_of.filter(pk=case.organisation_id).exists()


def _page(request: HttpRequest, case: Case, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "case": case,
        "is_admin": _is_admin(request, case),
        "attempts": case.attempts.count(),
        "before_the_court": case.status in BEFORE_THE_COURT,
        "error": error,
    }
    return render(request, "privacy/case_data.html", context, status=status)


@login_required
def case_data(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, case_or_404(request, reference))


@login_required
def case_data_export(request: HttpRequest, reference: str) -> HttpResponseBase:
    """A zip of case.json, the attached files and a short French readme."""
    case = case_or_404(request, reference)
    audit.record(request.user, case.organisation, case.reference, AuditEvent.Action.EXPORT, "zip")
    date = timezone.localtime().strftime("%d/%m/%Y à %H:%M")
    readme = {"LISEZMOI.txt": README.format(reference=case.reference, date=date)}
    with tempfile.TemporaryDirectory(prefix="creneau-export-") as folder:
        write_export(case, Path(folder))
        return folder_as_zip(Path(folder), f"donnees-{case.reference}.zip", readme)


@login_required
@require_POST
def case_erase(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    if not _is_admin(request, case):
        message = _("Seul·e un·e administrateur·ice de l'organisation peut effacer un dossier.")
        return _page(request, case, message, status=403)
    typed = request.POST.get("confirm", "").strip().upper()
    if typed != case.reference:
        message = _("Tapez la référence %(ref)s pour confirmer l'effacement.") % {
            "ref": case.reference
        }
        return _page(request, case, message, status=400)
    organisation = case.organisation
    erased = erase_case(case)
    audit.record(request.user, organisation, erased.reference, AuditEvent.Action.ERASE, "web")
    messages.success(
        request,
        _("Dossier %(ref)s effacé (tentatives : %(n)d ; fichiers de preuve : %(f)d).")
        % {"ref": erased.reference, "n": erased.attempts, "f": erased.files_removed},
    )
    if erased.kept:
        messages.warning(
            request,
            ngettext(
                "%(n)d copie de preuve reste dans le stockage, qui refuse de la supprimer "
                "maintenant : %(why)s",
                "%(n)d copies de preuve restent dans le stockage, qui refuse de les supprimer "
                "maintenant : %(why)s",
                len(erased.kept),
            )
            % {"n": len(erased.kept), "why": " ; ".join(erased.kept)},
        )
    return redirect("case-list")
