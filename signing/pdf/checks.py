"""What may be sent for signature, and what a drawn signature may be, decided by the bytes.

A PDF must open in both readers the pipeline uses: pypdf, which merges it with
the signatures page, and PDFium, which draws the pages the signer reviews. When
they do not agree on the pages, what the signer saw might not be what is sealed,
so the file is refused.
"""

import base64
import binascii
import hashlib
import io
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.uploads import pdf_has_actions

from .errors import ImageRefused, PdfRefused

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A canvas on a high-density screen is two or three times its CSS size: a
# 600 x 200 box gives 1800 x 600. Anything far past that is not a signature.
SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_MAX_SIDE = 4000
SIGNATURE_MAX_PIXELS = 4_000_000
SIGNATURE_MIN_SIDE = 8
# What is kept: cropped to the ink, at most this wide (enough for print at 300 dpi).
SIGNATURE_KEEP_WIDTH = 1200
SIGNATURE_MARGIN = 8

# PDFium is not thread-safe: one call into it at a time per process.
PDFIUM_LOCK = threading.Lock()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    sha256: str
    size: int


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_pdf(data: bytes) -> PdfInfo:
    """The pages and hash of a PDF that may be sent for signature, or PdfRefused."""
    limit = settings.SIGNING_MAX_PDF_BYTES
    if len(data) > limit:
        raise PdfRefused(
            _("The PDF is larger than %(limit)s."),
            code="too_big",
            params={"limit": filesizeformat(limit)},
        )
    if not data.startswith(PDF_MAGIC):
        raise PdfRefused(_("The file is not a PDF."), code="not_pdf")
    reader = _read(data)
    if reader.is_encrypted:
        raise PdfRefused(
            _("The PDF is protected by a password or encrypted: upload it without protection."),
            code="encrypted",
        )
    try:
        pages = len(reader.pages)
        signed = _has_signatures(reader)
        # Document-level scripts and XFA forms, then any action anywhere (a link
        # annotation on a page that runs a script or launches a program).
        active = _has_active_content(reader) or pdf_has_actions(data)
    except Exception as error:
        raise _unreadable(error) from error
    if pages == 0:
        raise PdfRefused(_("The PDF has no pages."), code="no_pages")
    max_pages = settings.SIGNING_MAX_PAGES
    if pages > max_pages:
        raise PdfRefused(
            _("The PDF has %(pages)d pages; at most %(limit)d may be sent for signature."),
            code="too_many_pages",
            params={"limit": max_pages, "pages": pages},
        )
    if signed:
        raise PdfRefused(
            _(
                "The PDF is already signed digitally, and sending it here would break that "
                "signature: upload the document as it was before it was signed."
            ),
            code="already_signed",
        )
    if active:
        raise PdfRefused(
            _(
                "The PDF runs scripts or holds a dynamic (XFA) form, which could show the "
                "signer something else than what is sealed: print it to a plain PDF first."
            ),
            code="active_content",
        )
    if _pdfium_pages(data) != pages:
        raise _unreadable(None)
    return PdfInfo(pages=pages, sha256=sha256(data), size=len(data))


def _unreadable(error) -> PdfRefused:
    if error is not None:
        logger.info("PDF refused as unreadable: %s", error)
    return PdfRefused(
        _("The PDF could not be read: it may be damaged or incomplete."), code="unreadable"
    )


def _read(data: bytes):
    from pypdf import PdfReader

    try:
        return PdfReader(io.BytesIO(data))
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise _unreadable(error) from error


def _has_signatures(reader) -> bool:
    fields = reader.get_fields() or {}
    return any(f.get("/FT") == "/Sig" and f.get("/V") is not None for f in fields.values())


def _has_active_content(reader) -> bool:
    """JavaScript (on opening, named, or as page and document actions) or an XFA form."""
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    if "/AA" in root:
        return True
    action = root.get("/OpenAction")
    if action is not None:
        action = action.get_object()
        if hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch"):
            return True
    form = root.get("/AcroForm")
    if form is not None and "/XFA" in form.get_object():
        return True
    return any("/AA" in page for page in reader.pages)


def _pdfium_pages(data: bytes) -> int | None:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except Exception as error:
            logger.info("PDFium could not open a PDF: %s", error)
            return None
        try:
            return len(document)
        finally:
            document.close()


# The drawn signature ------------------------------------------------------------


def signature_png_from_data_url(url: str) -> bytes:
    """check_signature_image() of a canvas's `data:image/png;base64,...` URL."""
    prefix = "data:image/png;base64,"
    if not isinstance(url, str) or not url.startswith(prefix):
        raise _not_png()
    # Base64 is 4/3 of the bytes: refuse before decoding a huge text.
    if len(url) > len(prefix) + SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise _too_big()
    try:
        data = base64.b64decode(url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise _not_png() from error
    return check_signature_image(data)


def check_signature_image(data: bytes) -> bytes:
    """A drawn signature re-encoded as a plain RGBA PNG cropped to its ink, or ImageRefused."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > SIGNATURE_MAX_BYTES:
        raise _too_big()
    if not data.startswith(PNG_MAGIC):
        raise _not_png()
    try:
        # Image.open reads only the header: the size is checked before any pixel is decoded.
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
            if max(width, height) > SIGNATURE_MAX_SIDE or width * height > SIGNATURE_MAX_PIXELS:
                raise _too_big()
            if min(width, height) < SIGNATURE_MIN_SIDE:
                raise _empty()
            # WeasyPrint lets Pillow load truncated images (a global switch): verify()
            # reads every chunk and its checksum first.
            image.verify()
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            rgba = image.convert("RGBA")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise _not_png() from error
    box = _ink_box(rgba)
    if box is None:
        raise _empty()
    left, top, right, bottom = box
    rgba = rgba.crop(
        (
            max(left - SIGNATURE_MARGIN, 0),
            max(top - SIGNATURE_MARGIN, 0),
            min(right + SIGNATURE_MARGIN, rgba.width),
            min(bottom + SIGNATURE_MARGIN, rgba.height),
        )
    )
    if rgba.width > SIGNATURE_KEEP_WIDTH:
        height = max(1, round(rgba.height * SIGNATURE_KEEP_WIDTH / rgba.width))
        rgba = rgba.resize((SIGNATURE_KEEP_WIDTH, height), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: no text chunks, profiles or other metadata.
    clean = Image.new("RGBA", rgba.size)
    clean.paste(rgba)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _ink_box(rgba):
    """The box around what was drawn: opaque pixels that are not (near) white."""
    from PIL import ImageChops

    alpha = rgba.getchannel("A").point(lambda v: 255 if v > 16 else 0)
    dark = rgba.convert("L").point(lambda v: 255 if v < 235 else 0)
    return ImageChops.multiply(alpha, dark).getbbox()


def _not_png() -> ImageRefused:
    return ImageRefused(_("The signature is not a PNG image."), code="not_png")


def _too_big() -> ImageRefused:
    return ImageRefused(_("The signature image is too large."), code="too_big")


def _empty() -> ImageRefused:
    return ImageRefused(
        _("The signature is empty: draw it in the box, or type your name instead."),
        code="empty",
    )
