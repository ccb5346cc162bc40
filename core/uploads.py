"""What people may upload (to a ticket, a wish, a document to sign…), decided by the bytes.

`clean_uploads()` turns uploaded files into CleanUpload values or raises a
ValidationError in the user's language; nothing is stored before every file
has passed. SVG (draw.io diagrams included) is rewritten by core/svg.py. Every
app that takes files uses these checks, so a file refused on a ticket is
refused everywhere.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .svg import UnsafeSVG, sanitize_svg

TEXT_SUFFIXES = {
    ".txt",
    ".log",
    ".conf",
    ".cfg",
    ".ini",
    ".json",
    ".xml",
    ".csv",
    ".yaml",
    ".yml",
    ".rsc",
    ".md",
    ".drawio",
    ".pcap.txt",
}
# (magic prefix, content type, accepted suffixes)
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
    (b"GIF87a", "image/gif", {".gif"}),
    (b"GIF89a", "image/gif", {".gif"}),
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"PK\x03\x04", "application/zip", {".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods"}),
    (b"\xd4\xc3\xb2\xa1", "application/vnd.tcpdump.pcap", {".pcap"}),
    (b"\xa1\xb2\xc3\xd4", "application/vnd.tcpdump.pcap", {".pcap"}),
    (b"\x0a\x0d\x0d\x0a", "application/vnd.tcpdump.pcap", {".pcapng"}),
]


@dataclass(frozen=True)
class CleanUpload:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_file(self) -> ContentFile:
        return ContentFile(self.data, name=self.name)


def clean_name(raw: str) -> str:
    """The file's own name only: no folders, no control characters, a sane length."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > 150:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 140 - len(suffix)] + dot + suffix) if dot else name[:150]
    return name or "file"


def _suffix(name: str) -> str:
    lower = name.lower()
    for double in (".drawio.svg", ".pcap.txt"):
        if lower.endswith(double):
            return double
    return PurePosixPath(lower).suffix


# PDF names that make a reader act on opening or clicking: run script, start a
# program, submit or import data, play embedded media.
PDF_ACTIONS = {"/JavaScript", "/JS", "/Launch", "/SubmitForm", "/ImportData", "/RichMedia"}
# In plain bytes only the long names: "/JS" turns up by chance in compressed data.
_PDF_ACTION_BYTES = re.compile(rb"/(JavaScript|Launch|SubmitForm|ImportData|RichMedia)\b")
ACTIONS = PDF_ACTIONS - {"/JS"}  # as a value: /S /JavaScript, /S /Launch...
PDF_MAX_OBJECTS = 200_000
# A zip (and .docx, .xlsx, .odt...) that unpacks to more than this, or by more
# than ZIP_MAX_RATIO times its size, is a bomb rather than a document.
ZIP_MAX_UNPACKED_BYTES = 512 * 1024 * 1024
ZIP_MAX_RATIO = 200
ZIP_MAX_ENTRIES = 10_000


def pdf_has_actions(data: bytes) -> bool:
    """Whether a PDF holds an action (above), in plain objects or compressed ones."""
    if _PDF_ACTION_BYTES.search(data):
        return True
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        todo, seen = [reader.trailer], set()
        while todo and len(seen) < PDF_MAX_OBJECTS:
            item = todo.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                for key, value in item.items():
                    if key in PDF_ACTIONS or (isinstance(value, NameObject) and value in ACTIONS):
                        return True
                    todo.append(value)
            elif isinstance(item, ArrayObject):
                todo.extend(item)
    except Exception:  # unreadable by pypdf: the byte scan above decided
        return False
    return False


def _zip_refusal(name: str, data: bytes) -> str:
    """Why an archive is refused, or "": damaged, or a bomb. Read from its central
    directory only: nothing is unpacked here."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        return _("%(name)s is a damaged archive.") % {"name": name}
    unpacked = sum(member.file_size for member in members)
    if (
        len(members) > ZIP_MAX_ENTRIES
        or unpacked > ZIP_MAX_UNPACKED_BYTES
        or unpacked > ZIP_MAX_RATIO * max(len(data), 1)
    ):
        return _(
            "%(name)s is an archive that unpacks to far more than its size: "
            "attach the files in it instead."
        ) % {"name": name}
    return ""


def _sniff(name: str, data: bytes) -> tuple[str, bytes]:
    suffix = _suffix(name)
    for magic, content_type, suffixes in SIGNATURES:
        if data.startswith(magic):
            if suffix not in suffixes:
                break
            if content_type == "application/pdf" and pdf_has_actions(data):
                raise ValidationError(
                    _(
                        "%(name)s is a PDF that runs scripts or actions when opened: "
                        "print it to a new PDF and attach that one."
                    )
                    % {"name": name}
                )
            if content_type == "application/zip" and (refusal := _zip_refusal(name, data)):
                raise ValidationError(refusal)
            return content_type, data
    else:
        if suffix in (".svg", ".drawio.svg"):
            try:
                return "image/svg+xml", sanitize_svg(data)
            except UnsafeSVG as error:
                raise ValidationError(
                    _("%(name)s is not an SVG image we can accept safely.") % {"name": name}
                ) from error
        if suffix in TEXT_SUFFIXES and b"\x00" not in data:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    data.decode("latin-1")
                except UnicodeDecodeError:
                    pass
                else:
                    return "text/plain", data
            else:
                return "text/plain", data
    raise ValidationError(
        _("%(name)s: this kind of file is not accepted, or its content does not match its name.")
        % {"name": name}
    )


def clean_uploads(files, *, existing: int = 0) -> list[CleanUpload]:
    files = list(files)
    if len(files) + existing > settings.ATTACHMENT_MAX_COUNT:
        raise ValidationError(
            ngettext(
                "Attach at most %(count)s file.",
                "Attach at most %(count)s files.",
                settings.ATTACHMENT_MAX_COUNT,
            )
            % {"count": settings.ATTACHMENT_MAX_COUNT}
        )
    cleaned = []
    for upload in files:
        name = clean_name(getattr(upload, "name", ""))
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                _("%(name)s is larger than %(size)s.")
                % {"name": name, "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
            )
        data = upload.read()
        if not data:
            raise ValidationError(_("%(name)s is empty.") % {"name": name})
        content_type, data = _sniff(name, data)
        cleaned.append(CleanUpload(name=name, content_type=content_type, data=data))
    return cleaned


def upload_from_bytes(name: str, data: bytes):
    """An in-memory upload, for code paths that build files themselves (draw.io, tests)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


__all__ = ["CleanUpload", "clean_name", "clean_uploads", "io", "upload_from_bytes"]


# Stored files a browser may show in place (SVG only ever stored rewritten, above).
INLINE_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    "application/pdf",
}


def _missing_object(error) -> bool:
    """An object store's "no such object" (botocore's ClientError 404 / NoSuchKey)."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code in ("404", "NoSuchKey", "NotFound")


def file_response(stored, *, inline: bool = False) -> FileResponse:
    """A stored upload (any model with file, name, content_type) as a download, or
    in place when asked and its type allows; never able to run in our origin."""
    try:
        handle = stored.file.open("rb")
        # On S3 this asks for the object: a missing one is found here, not halfway
        # through a download whose headers have gone out.
        handle.size  # noqa: B018
    except FileNotFoundError as missing:
        raise Http404 from missing
    except Exception as error:
        if _missing_object(error):
            raise Http404 from error
        raise
    response = FileResponse(
        handle,
        as_attachment=not (inline and stored.content_type in INLINE_TYPES),
        filename=stored.name,
        content_type=stored.content_type,
    )
    # The file never runs in our origin, even if opened directly.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Behind the login: never left in a (shared) browser cache after logout.
    response["Cache-Control"] = "no-store"
    return response
