"""Is this file one the provider sealed, unchanged since? For anyone holding a copy.

A file is intact only when a seal by a certificate we trust (the current seal,
or one of SIGNING_TRUST_ROOTS: earlier seals, the seal's CA) is cryptographically
valid and covers every byte of the file: an incremental update after it, even
one PDF readers would call harmless, is a change to the document as signed.
Nothing is fetched while checking (no OCSP, CRL or certificate download from
URLs a file names); the trust is what this portal configures, never the system's.
"""

import contextlib
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import SealUnavailable
from .seal import seal_certificate

INTACT = "intact"
MODIFIED = "modified"
UNTRUSTED = "untrusted"
UNSIGNED = "unsigned"
UNREADABLE = "unreadable"
STATUSES = (INTACT, MODIFIED, UNTRUSTED, UNSIGNED, UNREADABLE)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verification:
    status: str  # one of STATUSES
    sha256: str
    sealed_by: str = ""  # the common name of the certificate of the seal reported on
    sealed_by_organisation: str = ""
    sealed_at: datetime | None = None  # the time-stamp's time (B-T), else the time it claims
    covers_whole_file: bool = False
    signatures: int = 0  # how many signatures the file carries

    @property
    def intact(self) -> bool:
        return self.status == INTACT

    @property
    def summary(self) -> str:
        """One sentence in the active language."""
        by = self.sealed_by_organisation or self.sealed_by
        if self.status == INTACT:
            return _("This file is exactly as %(by)s sealed it: nothing has changed since.") % {
                "by": by
            }
        if self.status == MODIFIED:
            return _(
                "This file has been changed since it was sealed: it is not the document as signed."
            )
        if self.status == UNTRUSTED:
            return _(
                "This file carries an intact seal, but by %(by)s, whose certificate this portal "
                "does not recognise: it was not sealed here."
            ) % {"by": by or "?"}
        if self.status == UNSIGNED:
            return _(
                "This PDF carries no seal: nothing shows who issued it or that it is unchanged."
            )
        return _("This file is not a PDF that can be read.")


def trust_roots() -> list:
    """The certificates whose seals are ours: the current seal and SIGNING_TRUST_ROOTS."""
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    with contextlib.suppress(SealUnavailable):  # then only the configured roots
        roots.append(seal_certificate())
    for path in settings.SIGNING_TRUST_ROOTS:
        try:
            roots.extend(load_certs_from_pemder([path]))
        except (OSError, ValueError):
            logger.warning("SIGNING_TRUST_ROOTS: cannot read a certificate from %s", path)
    return roots


def verify(data: bytes) -> Verification:
    """What can be said of `data`; never raises on bad input."""
    digest = hashlib.sha256(data).hexdigest()
    if b"%PDF-" not in data[:1024]:
        return Verification(UNREADABLE, digest)
    try:
        signatures = _embedded_signatures(data)
    except Exception as error:  # whatever a damaged file makes the reader raise
        logger.info("Cannot read a PDF to verify: %r", error)
        # A signature's byte range in a file that no longer reads: it was sealed, then broken.
        return Verification(MODIFIED if b"/ByteRange" in data else UNREADABLE, digest)
    if not signatures:
        return Verification(UNSIGNED, digest)
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    return _judge(digest, [_validate(sig, context) for sig in signatures])


def _embedded_signatures(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return list(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)


def _validate(signature, context):
    """pyHanko's status of one signature, or None when it cannot even be checked."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    # A seal certificate may assert either usage (eIDAS seals often only one).
    usage = KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
    )
    try:
        return validate_pdf_signature(signature, context, key_usage_settings=usage)
    except Exception as error:
        logger.info("A signature cannot be checked: %r", error)
        return None


def _judge(digest: str, statuses: list) -> Verification:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    def sound(status):
        return status is not None and status.intact and status.valid

    def whole(status):
        return status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    ours = [s for s in statuses if sound(s) and s.trusted]
    for status in ours:
        if whole(status):
            return _report(INTACT, digest, status, len(statuses))
    if ours:
        return _report(MODIFIED, digest, ours[0], len(statuses))
    if not all(sound(s) for s in statuses):
        reported = next((s for s in statuses if s is not None), None)
        return _report(MODIFIED, digest, reported, len(statuses))
    last = statuses[-1]
    return _report(UNTRUSTED if whole(last) else MODIFIED, digest, last, len(statuses))


def _report(state: str, digest: str, status, count: int) -> Verification:
    if status is None:
        return Verification(state, digest, signatures=count)
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    subject = status.signing_cert.subject.native
    at = status.signer_reported_dt
    stamp = status.timestamp_validity
    if stamp is not None and stamp.intact and stamp.valid:
        at = stamp.timestamp
    return Verification(
        status=state,
        sha256=digest,
        sealed_by=str(subject.get("common_name", "")),
        sealed_by_organisation=str(subject.get("organization_name", "")),
        sealed_at=at,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signatures=count,
    )
