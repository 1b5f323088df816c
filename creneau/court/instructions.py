"""Filing instructions in French, shared by ``LISEZMOI.txt`` and ``instructions_depot.pdf``.

Sources: legal.md §4 (Télérecours citoyens since 2021; paper filing, R. 522-3 and R. 411-3 CJA).
"""

from dataclasses import dataclass

from creneau.court.naming import DEPOT, EDITABLE, PROOFS, REQUETE


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


def sections(
    *, person: str, tribunal: str, address: str, exhibits: int, files: int, warnings: list[str]
) -> list[Section]:
    found = [
        Section(
            "Ce dossier",
            (
                f"Requête en référé mesures utiles de {person}, à déposer au {tribunal}.",
                f"Le dossier « {DEPOT} » contient la requête ({REQUETE}) et {exhibits} pièce(s) "
                f"en {files} fichier(s), numérotés dans l'ordre de l'inventaire.",
                f"Le dossier « {EDITABLE} » contient la requête au format Word, pour un avocat ou "
                "pour une correction : ce n'est pas une pièce, ne la déposez pas en plus du PDF.",
                f"Le dossier « {PROOFS} », bundle.json et SHA256SUMS servent à vérifier "
                "l'intégrité des preuves (creneau verify DOSSIER) : ils ne se déposent pas.",
            ),
        ),
        Section(
            "Avant de déposer",
            (
                "Relire la requête, compléter à la main les lignes de pointillés, dater et signer.",
                "Si la requête a été corrigée, refaire le PDF : les pièces ne changent pas.",
                *warnings,
            ),
        ),
        Section(
            "Dépôt sur Télérecours citoyens (citoyens.telerecours.fr)",
            (
                "1. Se connecter avec le compte personnel de la personne (ou le créer) : c'est la "
                "personne qui dépose, un bénévole peut l'aider à côté d'elle.",
                f"2. Choisir la juridiction : {tribunal}.",
                "3. Choisir le type de requête « référé » (référé mesures utiles, article L. 521-3 "
                "du code de justice administrative).",
                f"4. Déposer d'abord la requête : {REQUETE}.",
                "5. Déposer ensuite chaque pièce, un fichier après l'autre, dans l'ordre des "
                "numéros (01, 02, 03…). Ne pas renommer les fichiers : le nom commence par le "
                "numéro de la pièce et l'application en tire l'inventaire.",
                "6. Vérifier la liste, puis envoyer. Garder l'accusé de dépôt, puis l'accusé "
                "d'enregistrement qui donne le numéro de la requête : le noter dans Créneau "
                "(« requête déposée »).",
                "Chaque fichier pèse moins de 30 Mo (la limite affichée est de 32 Mo par fichier).",
            ),
        ),
        Section(
            "Dépôt sur papier (toujours possible)",
            (
                "Imprimer la requête signée et les pièces, en un exemplaire, avec l'inventaire.",
                "Écrire « RÉFÉRÉ » en haut de la requête (déjà imprimé) et sur l'enveloppe.",
                f"Envoyer en lettre recommandée avec accusé de réception au {tribunal}"
                + (f", {address}" if address else "")
                + ", ou déposer au greffe du tribunal contre récépissé.",
                "Garder une copie de tout, et la preuve d'envoi ou le récépissé du greffe.",
            ),
        ),
        Section(
            "Après le dépôt",
            (
                "Noter dans Créneau chaque étape : numéro de la requête, date d'audience, "
                "rendez-vous proposé par la préfecture, ordonnance (rejet ou injonction, délai, "
                "astreinte). Créneau calcule les délais et propose la suite (demande d'exécution, "
                "nouvelle requête).",
                "Si la préfecture propose un rendez-vous avant l'audience, le signaler au "
                "tribunal : il constatera en général un non-lieu.",
            ),
        ),
    ]
    return found


def as_text(found: list[Section], title: str) -> str:
    lines = [title, "=" * len(title), ""]
    for section in found:
        lines += [section.title, "-" * len(section.title), *section.lines, ""]
    return "\n".join(lines)
