"""A certificate's attributes read from its PEM (or DER) file, with `cryptography`.

Staff upload the certificate instead of copying its names and dates by hand.
Only the first certificate of a chain is read: the server's own comes first.
"""

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID, NameOID
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 64 * 1024


def _name(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def read(data: bytes) -> dict:
    """The certificate's common name, alternative names, issuer, expiry and fingerprint."""
    if not data or len(data) > MAX_BYTES:
        raise ValidationError(_("Upload a certificate file (PEM or DER) of at most 64 KB."))
    try:
        if b"-----BEGIN" in data:
            certificate = x509.load_pem_x509_certificates(data)[0]
        else:
            certificate = x509.load_der_x509_certificate(data)
    except (ValueError, TypeError, IndexError):
        raise ValidationError(
            _("This file is not a certificate in PEM or DER format."), code="invalid"
        ) from None
    try:
        extension = certificate.extensions.get_extension_for_oid(
            ExtensionOID.SUBJECT_ALTERNATIVE_NAME
        )
        sans = extension.value.get_values_for_type(x509.DNSName)
        sans += [str(ip) for ip in extension.value.get_values_for_type(x509.IPAddress)]
    except (x509.ExtensionNotFound, ValueError):
        sans = []
    common_name = _name(certificate.subject, NameOID.COMMON_NAME) or (sans[0] if sans else "")
    issuer = _name(certificate.issuer, NameOID.ORGANIZATION_NAME) or _name(
        certificate.issuer, NameOID.COMMON_NAME
    )
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return {
        "common_name": common_name,
        "sans": [name for name in sans if name != common_name],
        "issuer": issuer,
        "expires_on": certificate.not_valid_after_utc.date().isoformat(),
        "fingerprint": ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)),
    }
