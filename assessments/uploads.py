"""Evidence uploads: what a file really is, judged by its content, and a safe name to store it under.

The client's file name and content type are never trusted. The content is sniffed (`filetype` for
binary formats, the archive's own manifest for office documents, a decoding check for plain text),
and the sniffed type must agree with the name's extension, so that an executable renamed `.pdf` or a
script renamed `.png` is refused. The stored name is generated; the original (sanitised) name is kept
only for display and for the download's Content-Disposition.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

TEXT_SAMPLE_BYTES = 64 * 1024

OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
OPENDOCUMENT = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Formats `filetype` recognises by magic number: extension -> the MIME types it may report.
MAGIC = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
}
TEXT = {"txt": "text/plain", "csv": "text/csv"}

ALLOWED_EXTENSIONS = sorted({*MAGIC, *OOXML, *OPENDOCUMENT, *TEXT})


@dataclass(frozen=True)
class UploadInfo:
    extension: str
    content_type: str
    display_name: str

    @property
    def stored_name(self) -> str:
        """A generated name: nothing of the client's path or name reaches the file system."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def display_name(name: str) -> str:
    """The client's file name without any directory part, reduced to safe characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name.strip()
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:
        cleaned = ""
    cleaned = cleaned.lstrip(".") or "evidence"
    if len(cleaned) > 200:
        path = PurePosixPath(cleaned)
        cleaned = path.stem[: 200 - len(path.suffix[:20])] + path.suffix[:20]
    return cleaned


def extension_of(name: str) -> str:
    suffix = PurePosixPath(display_name(name)).suffix
    return suffix[1:].lower() if suffix else ""


def _head(file, size: int) -> bytes:
    file.seek(0)
    data = file.read(size)
    file.seek(0)
    return data


def _refuse_type(extension: str):
    return ValidationError(
        _(
            "This file is not an accepted type, or its content does not match its name (.%(ext)s). "
            "Accepted: %(types)s."
        )
        % {"ext": extension or "?", "types": ", ".join(ALLOWED_EXTENSIONS)},
        code="file_type",
    )


def _zip_names(file) -> list[str] | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        file.seek(0)


def _opendocument_mimetype(file) -> str | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive, archive.open("mimetype") as entry:
            return entry.read(100).decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return None
    finally:
        file.seek(0)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A sample may cut a multi-byte character in two at its very end.
        if error.start < len(data) - 3:
            return False
        text = data[: error.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= len(text) // 100


def inspect_upload(file) -> UploadInfo:
    """Check an uploaded file's size and type by content; raises ValidationError with a sentence the
    user can act on. `file` is a Django UploadedFile (or any File with `name`, `size`, seek/read)."""
    limit = settings.EVIDENCE_MAX_BYTES
    size = getattr(file, "size", None) or 0
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    name = display_name(file.name)
    extension = extension_of(file.name)
    head = _head(file, 8192)

    content_type = _sniff(file, extension, head)
    if content_type is None:
        raise _refuse_type(extension)
    return UploadInfo(extension, content_type, name)


def _sniff(file, extension: str, head: bytes) -> str | None:
    """The content type when the content is what the extension says, else None."""
    guessed = filetype.guess_mime(head)
    if extension in MAGIC:
        return guessed if guessed in MAGIC[extension] else None
    if extension in OOXML:
        marker, mime = OOXML[extension]
        names = _zip_names(file) if head.startswith(b"PK\x03\x04") else None
        if not names or "[Content_Types].xml" not in names or marker not in names:
            return None
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ValidationError(_("Documents with macros are not accepted."), code="file_type")
        return mime
    if extension in OPENDOCUMENT:
        ok = head.startswith(b"PK\x03\x04") and _opendocument_mimetype(file) == OPENDOCUMENT[extension]
        return OPENDOCUMENT[extension] if ok else None
    if extension in TEXT:
        return TEXT[extension] if guessed is None and _is_text(_head(file, TEXT_SAMPLE_BYTES)) else None
    return None
