"""The signed document: the original, its signatures page and audit certificate, sealed.

Every rewrite happens before the seal: pypdf merges the pages and sets the
metadata, then pyHanko appends the seal as an incremental update. Nothing may
touch the bytes after that; a rewrite would break the seal.
"""

import io
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from core import i18n

from .pages import completion_pdf
from .records import AuditRecord
from .seal import load_signer, seal


def merge(original: bytes, appended: bytes, *, title: str, author: str) -> bytes:
    """`original` then `appended` as one PDF, with its title and author set."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(original)))
    # The certificate's own bookmarks (none) and metadata are not wanted in the result.
    writer.append(PdfReader(io.BytesIO(appended)), import_outline=False)
    now = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": author,
            "/Producer": author,
            "/CreationDate": now,
            "/ModDate": now,
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def finalise(original: bytes, record: AuditRecord, *, signer=None) -> bytes:
    """The original with the signatures page and audit certificate after it, sealed.

    `original` has passed checks.check_pdf when it was sent; `signer` is for
    tests and tools (the configured seal otherwise, or SealUnavailable).
    """
    signer = signer or load_signer()  # before the work: no seal, no document
    appended = completion_pdf(record)
    merged = merge(original, appended, title=record.title, author=record.provider_name)
    with i18n.override(record.language):
        reason = _("Signed by all its signers through %(provider)s") % {
            "provider": record.provider_name
        }
    return seal(merged, reason=reason, signer=signer)
