"""The provider's seal and the finalised document (signing/pdf/seal.py, assemble.py)."""

import io
import os
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from pypdf import PdfReader

from signing.pdf import assemble, seal, verify
from signing.pdf.errors import SealUnavailable
from tests.signing import pdf_samples


def test_the_demo_certificate_is_written_once_and_kept_private(tmp_path):
    path = tmp_path / "var" / "signing" / "demo-seal.p12"
    assert seal.ensure_demo_certificate(path, "demo-pass") is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = path.read_bytes()
    assert seal.ensure_demo_certificate(path, "demo-pass") is False
    assert path.read_bytes() == first

    key, certificate, _others = pkcs12.load_key_and_certificates(first, b"demo-pass")
    assert key is not None
    cn = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert cn == "Support Portal demo seal"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert 729 <= lifetime.days <= 731


def test_the_seal_is_unavailable_without_a_usable_file(settings, seal_p12, tmp_path):
    settings.SIGNING_PKCS12_PATH = ""
    with pytest.raises(SealUnavailable):
        seal.load_signer()
    assert seal.seal_available() is False
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    with pytest.raises(SealUnavailable):
        seal.seal_certificate()
    settings.SIGNING_PKCS12_PATH = str(seal_p12)
    settings.SIGNING_PKCS12_PASSPHRASE = "wrong"
    with pytest.raises(SealUnavailable) as caught:
        seal.load_signer()
    assert caught.value.code == "seal_unavailable"


def test_the_seal_is_read_again_when_its_file_changes(settings, tmp_path):
    path = tmp_path / "seal.p12"
    path.write_bytes(seal.make_pkcs12("pw", common_name="First seal"))
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = "pw"
    assert seal.seal_certificate().subject.native["common_name"] == "First seal"
    assert seal.load_signer() is seal.load_signer()  # read once
    path.write_bytes(seal.make_pkcs12("pw", common_name="Renewed seal"))
    os.utime(path, ns=(1, os.stat(path).st_mtime_ns + 1_000_000))
    assert seal.seal_certificate().subject.native["common_name"] == "Renewed seal"


def test_finalise_appends_the_pages_and_seals_the_whole_file(seal_settings, original_pdf):
    record = pdf_samples.record(original_pdf)
    sealed = assemble.finalise(original_pdf, record)

    reader = PdfReader(io.BytesIO(sealed))
    assert len(reader.pages) in (4, 5)  # 2 of the original, the signatures, the certificate
    assert "cláusula número 1" in reader.pages[0].extract_text()
    assert "Signatures" in reader.pages[2].extract_text()
    assert reader.metadata.title == "Contrato de servicio"

    result = verify.verify(sealed)
    assert result.status == verify.INTACT
    assert result.covers_whole_file
    assert result.sealed_by == "Test portal seal"
    assert result.sealed_by_organisation == "Andes Soporte SpA"
    assert result.signatures == 1


def test_finalise_without_a_seal_refuses_before_any_work(settings, original_pdf, monkeypatch):
    settings.SIGNING_PKCS12_PATH = ""
    monkeypatch.setattr(assemble, "completion_pdf", lambda record: pytest.fail("rendered"))
    with pytest.raises(SealUnavailable):
        assemble.finalise(original_pdf, pdf_samples.record(original_pdf))


def test_the_seal_is_pades_with_sha256(sealed_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    (signature,) = PdfFileReader(io.BytesIO(sealed_pdf)).embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.field_name == seal.FIELD_NAME
    assert signature.md_algorithm == "sha256"


def test_with_a_time_stamping_authority_the_seal_is_time_stamped(
    seal_settings, original_pdf, monkeypatch
):
    """PAdES B-T: the seal carries a TSA's time, which verify reports as the sealing time."""
    from datetime import UTC, datetime

    from pyhanko.sign import timestamps
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    # A local TSA (the seal's own key, a certificate for time-stamping) stands in for the URL.
    signer = seal.signer_from_pkcs12(
        seal.make_pkcs12("pw", common_name="Test TSA", time_stamping=True), "pw"
    )
    at = datetime(2026, 3, 4, 18, 2, 11, tzinfo=UTC)
    asked = []

    def tsa(url):
        asked.append(url)
        return DummyTimeStamper(signer.signing_cert, signer.signing_key, fixed_dt=at)

    monkeypatch.setattr(timestamps, "HTTPTimeStamper", tsa)
    seal_settings.SIGNING_TSA_URL = "https://tsa.test/"
    sealed = seal.seal(original_pdf, reason="Test")
    assert asked == ["https://tsa.test/"]
    result = verify.verify(sealed)
    assert result.status == verify.INTACT
    assert result.sealed_at == at
