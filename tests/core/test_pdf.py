"""HTML to PDF fetching nothing from elsewhere (core/pdf.py)."""

import io

import pytest
from pypdf import PdfReader

from core import pdf


def test_the_fetcher_serves_inline_data_and_static_files_only(tmp_path):
    fetcher = pdf.local_fetcher()
    for url in (
        "http://example.com/logo.png",
        "https://fonts.example/x.woff2",
        "ftp://x/y",
        "file:///etc/passwd",
        "file://otherhost" + str(pdf.STATIC_DIR / "css" / "portal.css"),
        (pdf.STATIC_DIR / ".." / "manage.py").as_uri(),
        (tmp_path / "secret.txt").as_uri(),
    ):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    inside = pdf.STATIC_DIR / "css" / "portal.css"
    assert fetcher.fetch(inside.as_uri()).read(10)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def _attachments(data: bytes) -> dict:
    return PdfReader(io.BytesIO(data)).attachments


def test_a_pdf_embeds_no_file_from_elsewhere():
    # WeasyPrint attaches the files that rel="attachment" links name: the classic leak.
    leaks = (
        '<link rel="attachment" href="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/hostname">x</a>'
        '<img src="http://127.0.0.1:9/tracker.png"><p>Text</p>'
    )
    data = pdf.write_pdf(leaks, stylesheets=['@import url("file:///etc/passwd");'])
    assert _attachments(data) == {}
    assert b"root:" not in data
    # The same markup does attach a static file: the check above is not vacuous.
    allowed = '<link rel="attachment" href="css/portal.css"><p>Text</p>'
    assert list(_attachments(pdf.write_pdf(allowed))) == ["portal.css"]
