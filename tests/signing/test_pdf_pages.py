"""The signatures page and the audit certificate appended at completion (signing/pdf/pages.py)."""

import io
from dataclasses import replace
from datetime import timedelta

from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from signing.pdf import pages, render
from tests.signing import pdf_samples


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_signatures_page_then_the_certificate(original_pdf):
    record = pdf_samples.record(original_pdf)
    data = pages.completion_pdf(record)
    texts = _pages(data)
    signatures, certificate = texts[0], "\n".join(texts[1:])
    assert len(texts) in (2, 3)
    assert "Signatures" in signatures
    assert "Audit certificate" not in signatures
    # Camila typed her signature; Diego drew his (an image, with his name beneath it).
    assert "Camila Rojas" in signatures and "Diego Andrés Pérez Soto" in signatures
    first = PdfReader(io.BytesIO(data)).pages[0]
    assert len(first.images) == 1
    assert "4 Mar 2026, 13:02 (America/Santiago, UTC-03:00)" in signatures
    assert "2026-03-04 16:02:11 UTC" in signatures

    assert "Audit certificate" in certificate
    for text in (
        record.original_sha256,
        "DOC-2026-0042",
        "Diego Pérez",
        "Camila Rojas Muñoz",
        "diego@andes.test",
        "203.0.113.7",
        "2001:db8::1",
        "America/Santiago",
        "(Europe/Madrid, UTC+01:00)",
        "2026-03-04 18:02:11 UTC",
        "Portal session",
        "E-mailed link",
        "I agree to sign this document electronically.",
        "c0" * 32,
        "Diego Pérez viewed the document",
        "Andes Soporte SpA",
    ):
        assert text in certificate.replace("\n", " ") or text in certificate.replace("\n", ""), text


def test_the_pages_are_in_the_documents_language(original_pdf):
    record = pdf_samples.record(original_pdf, language="es")
    text = "\n".join(_pages(pages.completion_pdf(record)))
    assert "4 de marzo de 2026 a las 13:02 (America/Santiago, UTC-03:00)" in text
    assert "4 de marzo de 2026 a las 19:02 (Europe/Madrid, UTC+01:00)" in text
    with translation.override("es"):
        assert translation.gettext("Audit certificate") in text
        assert translation.gettext("IP address") in text


def test_long_unbroken_words_wrap_instead_of_overflowing(original_pdf):
    long = "Supercalifragilistic" * 15  # 300 letters, no space
    signer = pdf_samples.signer(
        name=long, typed_name=long, organisation=long, user_agent="UA/" + long, typed_signature=long
    )
    record = pdf_samples.record(
        original_pdf,
        title="Contrato " + long,
        signers=[signer],
        events=[pdf_samples.EventRecord(pdf_samples.SENT_AT, long)],
    )
    data = pages.completion_pdf(record)
    texts = _pages(data)
    assert len(texts) <= 4
    joined = "".join("".join(texts).split())
    assert long in joined
    # Nothing runs into the right margin: its last 10 mm are blank on every page.
    for index in range(len(texts)):
        image = Image.open(io.BytesIO(render.page_image(data, index, 420))).convert("L")
        margin = image.crop((image.width - round(image.width * 10 / 210), 0, *image.size))
        assert margin.getextrema() == (255, 255), index


def test_a_signer_without_a_known_zone_is_shown_in_utc_only(original_pdf):
    signer = pdf_samples.signer(time_zone="Mars/Olympus")
    record = pdf_samples.record(
        original_pdf, signers=[signer], completed_at=None, events=[], time_zone=""
    )
    text = "\n".join(_pages(pages.completion_pdf(record)))
    assert "2026-03-04 16:02:11 UTC" in text
    assert "Mars/Olympus" not in text


def test_in_zone_names_the_zone_and_its_offset():
    moment = pdf_samples.SENT_AT + timedelta(days=120)  # July: summer time in Madrid
    with translation.override("fr"):
        assert (
            pages.in_zone(moment, "Europe/Madrid")
            == "2 juillet 2026 17:02 (Europe/Madrid, UTC+02:00)"
        )
    assert pages.in_zone(moment, "UTC") == ""
    assert pages.in_utc(replace(pdf_samples.signer(), signed_at=moment).signed_at) == (
        "2026-07-02 15:02:11 UTC"
    )
