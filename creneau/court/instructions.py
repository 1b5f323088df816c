"""Filing instructions in French, shared by ``LISEZMOI.txt`` and ``instructions_depot.pdf``.

Sources: legal.md §4 (Télérecours citoyens since 2021; paper filing). Every rule is cited from
the catalog's references file with the date it was checked (« à vérifier » when nobody has):
the requête and the exhibits go on paper with one copy each (R. 411-3, R. 412-2 CJA), marked
« référé » and posted by registered letter (R. 522-3).
"""

from dataclasses import dataclass

from creneau.catalog.legal import checked_phrase, citation, citations
from creneau.court.naming import DEPOT, EDITABLE, PROOFS, REQUETE


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Filing:
    """What the instructions need to know about the case and its bundle."""

    person: str  # « d'Amina BENALI »: the name with its preposition
    tribunal: str
    address: str
    address_verified: bool
    exhibits: int
    files: int
    warnings: list[str]


def _cited(key: str) -> str:
    """« article R. 411-3 du code de justice administrative, vérifié le 03/12/2026 »."""
    return f"{citation(key)}, {checked_phrase(key)}"


def sections(filing: Filing) -> list[Section]:
    return [
        _this_folder(filing),
        Section(
            "Avant de déposer",
            (
                "Relire la requête, compléter à la main les lignes de pointillés, dater et signer.",
                "Si la requête a été corrigée, refaire le PDF : les pièces ne changent pas.",
                *filing.warnings,
            ),
        ),
        _online(filing),
        _paper(filing),
        _legal_aid(),
        Section(
            "Après le dépôt",
            (
                "Noter dans Créneau chaque étape : numéro de la requête, date d'audience, "
                "rendez-vous (ou enregistrement de la demande) proposé par la préfecture, "
                "ordonnance (rejet ou injonction, délai, astreinte). Créneau calcule les délais "
                "et propose la suite (demande d'exécution, nouvelle requête).",
                "Si la préfecture propose un rendez-vous, ou d'enregistrer la demande, avant "
                "l'audience, le signaler au tribunal : il constatera en général un non-lieu.",
            ),
        ),
    ]


def _this_folder(filing: Filing) -> Section:
    return Section(
        "Ce dossier",
        (
            f"Requête en référé mesures utiles {filing.person}, à déposer au {filing.tribunal}.",
            f"Le dossier « {DEPOT} » contient la requête ({REQUETE}) et {filing.exhibits} "
            f"pièce(s) en {filing.files} fichier(s), numérotés dans l'ordre de l'inventaire.",
            f"Le dossier « {EDITABLE} » contient la requête au format Word, pour un avocat ou "
            "pour une correction : ce n'est pas une pièce, ne la déposez pas en plus du PDF.",
            f"Le dossier « {PROOFS} », bundle.json et SHA256SUMS servent à vérifier "
            "l'intégrité des preuves (creneau verify DOSSIER) : ils ne se déposent pas.",
        ),
    )


def _online(filing: Filing) -> Section:
    return Section(
        "Dépôt sur Télérecours citoyens (citoyens.telerecours.fr)",
        (
            "1. Se connecter avec le compte personnel de la personne (ou le créer) : c'est la "
            "personne qui dépose, un bénévole peut l'aider à côté d'elle.",
            f"2. Choisir la juridiction : {filing.tribunal}.",
            "3. Choisir le type de requête « référé » (référé mesures utiles, "
            f"{citation('cja_l521_3')}).",
            f"4. Déposer d'abord la requête : {REQUETE}.",
            "5. Déposer ensuite chaque pièce, un fichier après l'autre, dans l'ordre des "
            "numéros (01, 02, 03…). Ne pas renommer les fichiers : le nom commence par le "
            "numéro de la pièce et l'application en tire l'inventaire.",
            "6. Vérifier la liste, puis envoyer. Garder l'accusé de dépôt, puis l'accusé "
            "d'enregistrement qui donne le numéro de la requête : le noter dans Créneau "
            "(« requête déposée »).",
            "Chaque fichier pèse moins de 30 Mo (la limite affichée est de 32 Mo par fichier).",
        ),
    )


def _paper(filing: Filing) -> Section:
    where = filing.tribunal
    if filing.address:
        checked = "" if filing.address_verified else " (adresse à vérifier sur le site du tribunal)"
        where += f", {filing.address}{checked}"
    else:
        where += " (adresse à relever sur le site du tribunal)"
    return Section(
        "Dépôt sur papier (toujours possible)",
        (
            "Imprimer la requête signée et l'inventaire, et les pièces, en deux exemplaires : "
            "l'original et une copie. La requête doit être accompagnée d'une copie, à peine "
            f"d'irrecevabilité ({_cited('cja_r411_3')}) ; les pièces aussi, sauf si leur "
            f"nombre ou leur volume l'empêche ({_cited('cja_r412_2')}).",
            "Écrire « RÉFÉRÉ » en haut de la requête (déjà imprimé) et sur l'enveloppe "
            f"({_cited('cja_r522_3')}).",
            f"Envoyer en lettre recommandée avec accusé de réception au {where}, ou déposer au "
            "greffe du tribunal contre récépissé.",
            "Garder une copie de tout, et la preuve d'envoi ou le récépissé du greffe.",
        ),
    )


def _legal_aid() -> Section:
    return Section(
        "Aide juridictionnelle",
        (
            "L'aide juridictionnelle fait prendre en charge par l'État les frais d'un avocat et "
            "de la procédure, selon les ressources. Une personne étrangère qui réside "
            f"habituellement en France peut l'obtenir ({_cited('loi_91_647_art3')}).",
            "En cas d'urgence, le juge peut l'accorder à titre provisoire, sans attendre la "
            "décision du bureau d'aide juridictionnelle : il suffit de le demander dans la "
            f"requête (option legal_aid) ({citations(['loi_91_647_art20'])}, "
            f"{checked_phrase('loi_91_647_art20')} ; {_cited('decret_2020_1717_art61')}). La "
            "demande d'aide elle-même se dépose ensuite auprès du bureau d'aide juridictionnelle, "
            "avec les justificatifs de ressources.",
        ),
    )


def as_text(found: list[Section], title: str) -> str:
    lines = [title, "=" * len(title), ""]
    for section in found:
        lines += [section.title, "-" * len(section.title), *section.lines, ""]
    return "\n".join(lines)
