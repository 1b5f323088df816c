"""Reading the parts of a case file: the problems found (each naming its field), dates, and the
files it names — regular files inside the file's folder, reached without following any link.

Shared by ``transfer`` (the case format) and ``transfer_sections`` (its optional sections)."""

import datetime
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from creneau.evidence import uploads

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class Problems:
    """Every problem found in a file, each naming its field; and notes that refuse nothing."""

    items: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path or _('(racine)')} : {message}")

    def note(self, path: str, message: str) -> None:
        self.notes.append(f"{path} : {message}")

    def __bool__(self) -> bool:
        return bool(self.items)


def parse_date(value: object, path: str, problems: Problems) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        problems.add(path, _("date invalide « %(value)s » (format AAAA-MM-JJ)") % {"value": value})
        return None


@dataclass(frozen=True)
class PendingFile:
    name: str
    data: bytes


def read_files(paths: list[str], base: Path, where: str, problems: Problems) -> list[PendingFile]:
    """Files named relative to the JSON file: regular files inside its folder, reached without
    following any link (a link could lead to the server's keys or system files)."""
    found = []
    for index, name in enumerate(paths):
        path = f"{where}.files[{index}]"
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            problems.add(path, _("chemin refusé : il doit rester dans le dossier du fichier JSON"))
            continue
        try:
            data = _read_inside(base, relative.parts)
            if data.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
                uploads.check_pdf(data)  # no PDF that acts on opening, as for uploads
        except _Refused as refusal:
            problems.add(path, f"{refusal} : {name}")
        except uploads.UploadError as refusal:
            problems.add(path, f"{refusal} ({name})")
        else:
            found.append(PendingFile(relative.name, data))
    return found


class _Refused(Exception):
    pass


_NOFOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC


def _read_inside(base: Path, parts: tuple[str, ...]) -> bytes:
    """Walk from ``base`` one name at a time with ``O_NOFOLLOW``: no component may be a link."""
    try:
        folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        raise _Refused(_("dossier illisible")) from None
    try:
        for part in parts[:-1]:
            inner = _open_component(part, folder, os.O_DIRECTORY)
            os.close(folder)
            folder = inner
        handle = _open_component(parts[-1], folder, os.O_NONBLOCK)  # a FIFO would block
    finally:
        os.close(folder)
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise _Refused(_("pas un fichier ordinaire"))
        if status.st_size > MAX_FILE_BYTES:
            raise _Refused(_("fichier trop volumineux (50 Mo au plus)"))
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(_("fichier trop volumineux (50 Mo au plus)"))
    return data


def _open_component(name: str, folder: int, flags: int) -> int:
    try:
        return os.open(name, _NOFOLLOW | flags, dir_fd=folder)
    except FileNotFoundError:
        raise _Refused(_("fichier introuvable")) from None
    except OSError as exc:
        if exc.errno in {errno.ELOOP, errno.EMLINK} or _is_link(name, folder):
            raise _Refused(
                _("lien symbolique refusé (seuls les vrais fichiers du dossier)")
            ) from None
        if exc.errno == errno.ENOTDIR:
            raise _Refused(_("fichier introuvable")) from None
        raise _Refused(_("fichier illisible")) from None


def _is_link(name: str, folder: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=folder).st_mode)
    except OSError:
        return False
