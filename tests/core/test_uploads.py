"""Every kind of file a client may attach, and the ones refused, decided by the bytes."""

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.uploads import clean_uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF87 = b"GIF87a\x01\x00\x01\x00\x00\x00\x00;"
GIF89 = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# libpcap global headers, both byte orders, and a pcapng section header block.
PCAP_LE = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
PCAP_BE = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
PCAPNG = b"\x0a\x0d\x0d\x0a" + struct.pack("<I", 28) + b"\x4d\x3c\x2b\x1a" + b"\x00" * 16


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""})
ZIP = _zip({"router.rsc": b"/ip address print\n"})


def _clean(name: str, data: bytes):
    return clean_uploads([SimpleUploadedFile(name, data)])[0]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("screen.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.JPEG", JPEG, "image/jpeg"),
        ("old.gif", GIF87, "image/gif"),
        ("anim.gif", GIF89, "image/gif"),
        ("contract.pdf", PDF, "application/pdf"),
        ("logs.zip", ZIP, "application/zip"),
        ("report.docx", DOCX, "application/zip"),
        ("budget.xlsx", XLSX, "application/zip"),
        ("slides.pptx", PPTX, "application/zip"),
        ("letter.odt", ODT, "application/zip"),
        ("sheet.ods", ODS, "application/zip"),
        ("capture.pcap", PCAP_LE, "application/vnd.tcpdump.pcap"),
        ("capture.pcap", PCAP_BE, "application/vnd.tcpdump.pcap"),
        ("capture.pcapng", PCAPNG, "application/vnd.tcpdump.pcap"),
        ("router.log", "Interfaz caída en Valparaíso\n".encode(), "text/plain"),
        ("legacy.txt", "Configuración".encode("latin-1"), "text/plain"),
        ("config.rsc", b"/interface print\n", "text/plain"),
        ("settings.json", b'{"vlan": 20}', "text/plain"),
        ("inventory.csv", b"host;ip\nr1;10.0.0.1\n", "text/plain"),
        ("decode.pcap.txt", b"12:00:01 IP 10.0.0.1 > 10.0.0.2: ICMP\n", "text/plain"),
    ],
)
def test_every_accepted_kind_is_stored_as_what_its_bytes_are(name, data, content_type):
    upload = _clean(name, data)
    assert upload.content_type == content_type
    assert upload.data == data
    assert upload.name == name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.txt", b"first line\x00hidden"),
        # A NUL far into a "text" file is still a binary file under a text name.
        ("big.log", b"a" * 70_000 + b"\x00"),
        ("photo.pdf", PNG),  # the name says PDF, the bytes say PNG
        ("report.docx", PDF),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("setup.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("script.sh", b"#!/bin/sh\nrm -rf /\n"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("macro.docm", DOCX),
        ("capture.pcap", b"not a capture at all"),
    ],
)
def test_files_that_are_not_what_they_claim_or_not_allowed_are_refused(name, data):
    with pytest.raises(ValidationError) as refused:
        _clean(name, data)
    assert name in refused.value.messages[0]


def test_an_empty_file_is_refused_by_name():
    with translation.override("en"), pytest.raises(ValidationError, match=r"blank\.txt is empty"):
        _clean("blank.txt", b"")
