"""The provider's seal: a PAdES signature by the provider's certificate over the whole file.

The key and certificate come from a PKCS#12 file (SIGNING_PKCS12_PATH) whose
passphrase is in the environment. It is read once per process and again when
the file changes (a renewed certificate needs no restart). With
SIGNING_TSA_URL, an RFC 3161 time-stamp makes the seal PAdES B-T; without, B-B
(the signing time is then the server's word).
"""

import asyncio
import concurrent.futures
import datetime as dt
import functools
import io
import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import SealUnavailable

FIELD_NAME = "ProviderSeal"
DEMO_COMMON_NAME = "Support Portal demo seal"
DEMO_ORGANISATION = "Support Portal (demo)"
DEMO_DAYS = 730


def _unavailable() -> SealUnavailable:
    return SealUnavailable(
        _(
            "Documents cannot be signed for now: the provider's seal is not set up. "
            "Tell the portal's administrators."
        ),
        code="seal_unavailable",
    )


def signer_from_pkcs12(data: bytes, passphrase: str):
    """A pyHanko signer from PKCS#12 bytes; ValueError if they do not open with `passphrase`."""
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12_data(
        data, other_certs=(), passphrase=passphrase.encode() if passphrase else None
    )


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, passphrase: str):
    return signer_from_pkcs12(Path(path).read_bytes(), passphrase)


def load_signer():
    """The pyHanko signer of the configured seal, or SealUnavailable."""
    path = settings.SIGNING_PKCS12_PATH
    if not path:
        raise _unavailable()
    try:
        mtime = os.stat(path).st_mtime_ns
        return _load(str(path), mtime, settings.SIGNING_PKCS12_PASSPHRASE or "")
    except (OSError, ValueError) as error:
        raise _unavailable() from error


def seal_certificate():
    """The seal's certificate (asn1crypto), or SealUnavailable."""
    return load_signer().signing_cert


def seal_available() -> bool:
    try:
        load_signer()
    except SealUnavailable:
        return False
    return True


def seal(data: bytes, *, reason: str, location: str = "", signer=None) -> bytes:
    """`data` with the provider's seal appended as an incremental update; nothing else changes.

    `signer` is for tests and tools; the configured seal otherwise.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    signer = signer or load_signer()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=str(reason) or None,
        location=str(location) or None,
    )
    timestamper = None
    if settings.SIGNING_TSA_URL:
        timestamper = timestamps.HTTPTimeStamper(settings.SIGNING_TSA_URL)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)

    def sign():
        return signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper).getvalue()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return sign()
    # sign_pdf runs its own event loop (asyncio.run), which a thread that already
    # runs one (an async view, a browser driven from a test) cannot start: another
    # thread signs.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()


# The demo certificate -------------------------------------------------------------


def make_pkcs12(
    passphrase: str,
    *,
    common_name: str = DEMO_COMMON_NAME,
    organisation: str = DEMO_ORGANISATION,
    days: int = DEMO_DAYS,
    time_stamping: bool = False,
) -> bytes:
    """A new key and self-signed seal certificate as PKCS#12 bytes.

    `time_stamping` adds the time-stamping extended key usage: a local TSA for tests.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    certificate = builder.sign(key, hashes.SHA256())
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, certificate, None, encryption
    )


def ensure_demo_certificate(path, passphrase: str) -> bool:
    """Write a self-signed demo seal to `path` (mode 0600) unless a file is there.

    True if it wrote one.
    """
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    data = make_pkcs12(passphrase)
    try:
        # O_EXCL: two processes starting together do not overwrite each other's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return True
