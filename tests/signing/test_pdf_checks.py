"""What may be sent for signature, and what a drawn signature may be (signing/pdf/checks.py)."""

import base64
import hashlib
import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from signing.pdf.checks import check_pdf, check_signature_image, signature_png_from_data_url
from signing.pdf.errors import ImageRefused, PdfRefused
from tests.signing import pdf_samples


def _refusal(data: bytes) -> str:
    with pytest.raises(PdfRefused) as caught:
        check_pdf(data)
    return caught.value.code


def test_a_pdf_gives_its_pages_and_hash(original_pdf):
    info = check_pdf(original_pdf)
    assert info.pages == 2
    assert info.sha256 == hashlib.sha256(original_pdf).hexdigest()
    assert info.size == len(original_pdf)


def test_what_is_not_a_pdf_is_refused(original_pdf):
    assert _refusal(b"hello") == "not_pdf"
    assert _refusal(b"") == "not_pdf"
    assert _refusal(pdf_samples.signature_png()) == "not_pdf"
    # The header alone does not make a PDF.
    assert _refusal(b"%PDF-1.7\n" + b"x" * 500) == "unreadable"


def test_a_truncated_pdf_is_refused(original_pdf):
    assert _refusal(original_pdf[: len(original_pdf) // 2]) == "unreadable"
    assert _refusal(original_pdf[:-40]) == "unreadable"


def test_a_pdf_over_the_size_limit_is_refused(settings, original_pdf):
    settings.SIGNING_MAX_PDF_BYTES = len(original_pdf) - 1
    with pytest.raises(PdfRefused) as caught:
        check_pdf(original_pdf)
    assert caught.value.code == "too_big"
    assert caught.value.messages[0].startswith("The PDF is larger than ")
    settings.SIGNING_MAX_PDF_BYTES = len(original_pdf)
    assert check_pdf(original_pdf).pages == 2


def test_too_many_pages_are_refused(settings, original_pdf):
    settings.SIGNING_MAX_PAGES = 1
    with pytest.raises(PdfRefused) as caught:
        check_pdf(original_pdf)
    assert caught.value.code == "too_many_pages"
    assert caught.value.messages == ["The PDF has 2 pages; at most 1 may be sent for signature."]


def _rewritten(original: bytes, *, password: str | None = None, pages=None) -> bytes:
    writer = PdfWriter()
    reader = PdfReader(io.BytesIO(original))
    for page in reader.pages if pages is None else pages:
        writer.add_page(page)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_pdf_is_refused_even_without_a_password_to_open_it(original_pdf):
    assert _refusal(_rewritten(original_pdf, password="secret")) == "encrypted"
    assert _refusal(_rewritten(original_pdf, password="")) == "encrypted"


def test_a_pdf_without_pages_is_refused(original_pdf):
    assert _refusal(_rewritten(original_pdf, pages=[])) == "no_pages"


def test_a_pdf_already_signed_is_refused(sealed_pdf):
    assert _refusal(sealed_pdf) == "already_signed"


# The drawn signature --------------------------------------------------------------


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_drawn_signature_is_re_encoded_cropped_and_stripped():
    drawn = pdf_samples.signature_png(1800, 600, Comment="from a phone", Author="someone")
    clean = check_signature_image(drawn)
    image = _png(clean)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.text == {}
    assert b"someone" not in clean
    # Cropped to the ink (the stroke spans about 500 of 1800 pixels), with a margin.
    assert 480 < image.width < 560
    assert image.height < 200


def test_a_wide_signature_is_scaled_down():
    image = Image.new("RGBA", (3000, 300), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (0, 140, 3000, 160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert _png(check_signature_image(out.getvalue())).width == 1200


def _image_refusal(data: bytes) -> str:
    with pytest.raises(ImageRefused) as caught:
        check_signature_image(data)
    return caught.value.code


def _encoded(image: Image.Image, format="PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, format=format)
    return out.getvalue()


def test_what_is_not_a_png_is_refused():
    assert _image_refusal(b"") == "not_png"
    assert _image_refusal(_encoded(Image.new("RGB", (100, 50)), "JPEG")) == "not_png"
    assert _image_refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) == "not_png"
    truncated = pdf_samples.signature_png()
    assert _image_refusal(truncated[: len(truncated) // 2]) == "not_png"


def test_an_oversized_signature_is_refused_before_its_pixels_are_decoded():
    assert _image_refusal(_encoded(Image.new("L", (5000, 20)))) == "too_big"
    assert _image_refusal(_encoded(Image.new("L", (2500, 2500)))) == "too_big"
    assert _image_refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 * 1024)) == "too_big"


def test_an_empty_signature_is_refused():
    assert _image_refusal(_encoded(Image.new("RGBA", (600, 200), (0, 0, 0, 0)))) == "empty"
    assert _image_refusal(_encoded(Image.new("RGB", (600, 200), "white"))) == "empty"
    assert _image_refusal(_encoded(Image.new("RGBA", (4, 4), "black"))) == "empty"


def test_a_signature_from_a_canvas_data_url():
    drawn = pdf_samples.signature_png()
    url = "data:image/png;base64," + base64.b64encode(drawn).decode()
    assert _png(signature_png_from_data_url(url)).format == "PNG"
    for bad in ("", "data:image/jpeg;base64,AAAA", "data:image/png;base64,not base64!"):
        with pytest.raises(ImageRefused):
            signature_png_from_data_url(bad)
