"""Is a file one we sealed, unchanged since? (signing/pdf/verify.py)"""

import io

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from signing.pdf import assemble, seal
from signing.pdf.verify import (
    INTACT,
    MODIFIED,
    UNREADABLE,
    UNSIGNED,
    UNTRUSTED,
    Verification,
    verify,
)
from tests.signing import pdf_samples


@pytest.fixture(scope="session")
def stranger_p12():
    return seal.make_pkcs12("pw", common_name="Someone else", organisation="Elsewhere Ltd")


@pytest.fixture(scope="session")
def stranger_sealed(stranger_p12, original_pdf):
    """The same document, finalised and sealed by a certificate nobody configured."""
    signer = seal.signer_from_pkcs12(stranger_p12, "pw")
    return assemble.finalise(original_pdf, pdf_samples.record(original_pdf), signer=signer)


def test_a_sealed_file_is_intact(seal_settings, sealed_pdf):
    result = verify(sealed_pdf)
    assert result.status == INTACT and result.intact
    assert result.covers_whole_file
    assert result.sealed_by == "Test portal seal"
    assert result.sealed_at is not None
    assert "Andes Soporte SpA sealed it" in result.summary


def _flipped(data: bytes, marker: bytes) -> bytes:
    at = data.index(marker)
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_one_byte_changed_anywhere_it_signs_is_modified(seal_settings, sealed_pdf):
    # The document's title in its metadata, and a byte inside the original's first page.
    for changed in (
        _flipped(sealed_pdf, b"Contrato de servicio)"),
        _flipped_in_first_stream(sealed_pdf),
    ):
        result = verify(changed)
        assert result.status == MODIFIED, result
        assert "changed since it was sealed" in result.summary


def _flipped_in_first_stream(data: bytes) -> bytes:
    start = data.index(b"stream\n") + len(b"stream\n") + 20
    return data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1 :]


def test_bytes_after_the_seal_are_a_modification(seal_settings, sealed_pdf):
    result = verify(sealed_pdf + b"\n% one more line\n")
    assert result.status == MODIFIED
    assert result.covers_whole_file is False
    assert result.sealed_by == "Test portal seal"
    # Junk that leaves the file unreadable to the PDF reader is a modification too.
    assert verify(sealed_pdf + b"\n%%EOF\n").status == MODIFIED


def test_an_incremental_update_after_the_seal_is_a_modification(seal_settings, sealed_pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(sealed_pdf))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Another contract")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    result = verify(out.getvalue())
    assert result.status == MODIFIED
    assert not result.covers_whole_file


def test_a_seal_by_a_certificate_we_do_not_trust_is_untrusted(seal_settings, stranger_sealed):
    result = verify(stranger_sealed)
    assert result.status == UNTRUSTED
    assert result.sealed_by == "Someone else"
    assert result.covers_whole_file
    assert "Elsewhere Ltd" in result.summary


def test_a_certificate_in_the_trust_roots_is_trusted(
    seal_settings, stranger_p12, stranger_sealed, tmp_path
):
    _key, certificate, _others = pkcs12.load_key_and_certificates(stranger_p12, b"pw")
    pem = tmp_path / "earlier-seal.pem"
    pem.write_bytes(certificate.public_bytes(Encoding.PEM))
    seal_settings.SIGNING_TRUST_ROOTS = [str(pem), str(tmp_path / "missing.pem")]
    assert verify(stranger_sealed).status == INTACT


def test_without_any_seal_configured_nothing_is_trusted(settings, sealed_pdf):
    settings.SIGNING_PKCS12_PATH = ""
    settings.SIGNING_TRUST_ROOTS = []
    assert verify(sealed_pdf).status == UNTRUSTED


def test_an_unsigned_pdf_is_unsigned(seal_settings, original_pdf):
    result = verify(original_pdf)
    assert result == Verification(UNSIGNED, result.sha256)
    assert result.summary


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"%PDF-1.7\n" + b"\xff" * 200],
)
def test_garbage_is_unreadable_and_never_raises(seal_settings, data):
    result = verify(data)
    assert result.status == UNREADABLE
    assert result.summary == "This file is not a PDF that can be read."


def test_a_truncated_sealed_file_never_raises(seal_settings, sealed_pdf):
    for cut in (len(sealed_pdf) // 3, len(sealed_pdf) - 100):
        assert verify(sealed_pdf[:cut]).status in (UNREADABLE, MODIFIED)
