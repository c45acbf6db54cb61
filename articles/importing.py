"""Where import files come from: paths on disk, folders, zip archives and uploads.

Each yields ``ImportFile`` items: a name and its bytes, or a name and the reason it cannot be
read. Limits (file size, number of files, zip members and total uncompressed size) are checked
here, before anything is decoded, so a zip bomb or a huge upload never reaches memory whole.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

TEXT_SUFFIXES = {".txt", ".text", ""}
ZIP_SUFFIX = ".zip"


@dataclass(frozen=True)
class ImportFile:
    name: str
    data: bytes | None = None
    error: str = ""


def _size_error(size: int, limit: int) -> str:
    return _(
        "The file is %(size)s; the limit is %(limit)s (%(bytes)d > %(limit_bytes)d bytes)."
    ) % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
        "bytes": size,
        "limit_bytes": limit,
    }


def _type_error(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    return _(
        "Unsupported file type «%(suffix)s»: import plain-text .txt files or .zip archives."
    ) % {"suffix": suffix}


def _is_hidden(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _is_unsafe_member_name(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def expand_zip(name: str, data: bytes) -> Iterator[ImportFile]:
    """The text members of a zip archive, each checked against the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        yield ImportFile(
            name, error=_("The zip archive cannot be read: %(error)s.") % {"error": exc}
        )
        return
    with archive:
        # Nothing is unpacked to disk, but a name that climbs out of the archive (``../``) or
        # starts at the root was made to attack an unzip tool: report it, do not import it.
        unsafe = [m for m in archive.infolist() if _is_unsafe_member_name(m.filename)]
        members = [
            m
            for m in archive.infolist()
            if m not in unsafe and not m.is_dir() and not _is_hidden(m.filename)
        ]
        max_members = settings.KZEDITOR_IMPORT_MAX_ZIP_MEMBERS
        if len(members) + len(unsafe) > max_members:
            yield ImportFile(
                name,
                error=_("The archive has %(count)d files; the limit is %(limit)d.")
                % {"count": len(members) + len(unsafe), "limit": max_members},
            )
            return
        for member in unsafe:
            yield ImportFile(
                f"{name}/{member.filename}",
                error=_(
                    "Unsafe file name in the archive (an absolute path or «..»): not imported."
                ),
            )
        declared_total = sum(m.file_size for m in members)
        max_total = settings.KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES
        if declared_total > max_total:
            yield ImportFile(
                name,
                error=_("The archive unpacks to %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(declared_total), "limit": filesizeformat(max_total)},
            )
            return
        limit = settings.KZEDITOR_IMPORT_MAX_FILE_BYTES
        for member in members:
            member_name = f"{name}/{member.filename}"
            suffix = PurePosixPath(member.filename).suffix.lower()
            if suffix == ZIP_SUFFIX:
                yield ImportFile(
                    member_name, error=_("Zip archives inside zip archives are not imported.")
                )
                continue
            if suffix not in TEXT_SUFFIXES:
                yield ImportFile(member_name, error=_type_error(member.filename))
                continue
            if member.file_size > limit:
                yield ImportFile(member_name, error=_size_error(member.file_size, limit))
                continue
            try:
                with archive.open(member) as handle:
                    # Never trust the declared size: read at most one byte past the limit.
                    content = handle.read(limit + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
                yield ImportFile(
                    member_name,
                    error=_("The archive member cannot be read: %(error)s.") % {"error": exc},
                )
                continue
            if len(content) > limit:
                yield ImportFile(member_name, error=_size_error(len(content), limit))
                continue
            yield ImportFile(member_name, data=content)


def _limit_for(name: str) -> int:
    if PurePosixPath(name).suffix.lower() == ZIP_SUFFIX:
        return settings.KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES
    return settings.KZEDITOR_IMPORT_MAX_FILE_BYTES


def import_file_from_upload(
    name: str, size: int, read: Callable[[], bytes]
) -> Iterator[ImportFile]:
    """An uploaded file: its size is checked before it is read, so an oversize upload is
    refused without loading it."""
    if size > (limit := _limit_for(name)):
        yield ImportFile(name, error=_size_error(size, limit))
        return
    yield from import_file_from_bytes(name, read())


def import_file_from_bytes(name: str, data: bytes) -> Iterator[ImportFile]:
    """One named blob (an upload or API file): a text file, or a zip to expand."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ZIP_SUFFIX or (suffix == "" and data[:4] == b"PK\x03\x04"):
        if len(data) > (limit := settings.KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES):
            yield ImportFile(name, error=_size_error(len(data), limit))
            return
        yield from expand_zip(name, data)
    elif suffix not in TEXT_SUFFIXES:
        yield ImportFile(name, error=_type_error(name))
    elif len(data) > (limit := settings.KZEDITOR_IMPORT_MAX_FILE_BYTES):
        yield ImportFile(name, error=_size_error(len(data), limit))
    else:
        yield ImportFile(name, data=data)


def _read_path(path: Path, display: str) -> Iterator[ImportFile]:
    suffix = path.suffix.lower()
    if suffix != ZIP_SUFFIX and suffix not in TEXT_SUFFIXES:
        yield ImportFile(display, error=_type_error(path.name))
        return
    try:
        size = path.stat().st_size
        if size > (limit := _limit_for(path.name)):
            yield ImportFile(display, error=_size_error(size, limit))
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ImportFile(
            display, error=_("The file cannot be read: %(error)s.") % {"error": exc.strerror or exc}
        )
        return
    yield from import_file_from_bytes(display, data)


# Files a folder of articles usually also holds (a README, a knowledge base): a folder walk
# passes over them; naming one explicitly still reports it as unsupported.
FOLDER_SKIPPED_SUFFIXES = {".md", ".json", ".yaml", ".yml", ".csv", ".rst"}


def import_files_from_paths(paths: Iterable[str | Path]) -> Iterator[ImportFile]:
    """Files, folders (recursively, sorted; hidden files and documentation/data files such as
    README.md or entities.json skipped) and zip archives."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if _is_hidden(relative.as_posix()):
                    continue
                if child.suffix.lower() in FOLDER_SKIPPED_SUFFIXES:
                    continue
                yield from _read_path(child, str(child))
        elif path.exists():
            yield from _read_path(path, str(path))
        else:
            yield ImportFile(str(path), error=_("No such file or folder."))
