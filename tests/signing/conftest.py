"""The provider's seal for the signing tests: one key for the whole session (keys are slow)."""

import pytest

from signing.pdf import assemble, seal
from tests.signing import pdf_samples

SEAL_PASSPHRASE = "test-seal-passphrase"


@pytest.fixture(scope="session")
def seal_p12(tmp_path_factory):
    """A PKCS#12 seal (self-signed, "Test portal seal" of Andes Soporte SpA): its path."""
    path = tmp_path_factory.mktemp("seal") / "seal.p12"
    path.write_bytes(
        seal.make_pkcs12(
            SEAL_PASSPHRASE, common_name="Test portal seal", organisation="Andes Soporte SpA"
        )
    )
    path.chmod(0o600)
    return path


@pytest.fixture
def seal_settings(settings, seal_p12):
    """The settings pointing at seal_p12, with no time-stamping and no other trust roots."""
    settings.SIGNING_PKCS12_PATH = str(seal_p12)
    settings.SIGNING_PKCS12_PASSPHRASE = SEAL_PASSPHRASE
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_TRUST_ROOTS = []
    return settings


@pytest.fixture(scope="session")
def original_pdf():
    """A two-page document composed from a template, as staff send it."""
    return pdf_samples.original_pdf(pages=2)


@pytest.fixture(scope="session")
def sealed_pdf(seal_p12, original_pdf):
    """original_pdf finalised (signatures page, audit certificate) and sealed by seal_p12."""
    signer = seal.signer_from_pkcs12(seal_p12.read_bytes(), SEAL_PASSPHRASE)
    return assemble.finalise(original_pdf, pdf_samples.record(original_pdf), signer=signer)
