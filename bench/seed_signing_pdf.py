"""The PDFs of the bench's documents to sign (bench/seed_signing.py): written once under
MEDIA_ROOT, named by their hash, the same bytes every run.

`pdf_bytes` writes a small valid PDF by hand (Helvetica text, A4 pages) rather than
through WeasyPrint: its bytes do not depend on the installed WeasyPrint or fonts, so
the SHA-256 the seeded rows keep names the file any later run (or one after MEDIA_ROOT
was emptied) writes again.
"""

import hashlib


def pdf_bytes(lines_per_page: list[list[str]]) -> bytes:
    """A small valid PDF (Helvetica text, A4 pages), the same bytes every time."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None, b"<< /Type /Font /Subtype /Type1 "]
    objects[2] += b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    kids = []
    for lines in lines_per_page:
        text = [b"BT /F1 12 Tf 72 770 Td 16 TL"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            text.append(b"(" + escaped.encode("cp1252") + b") '")
        stream = b"\n".join([*text, b"ET"])
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


AGREEMENT = [
    [
        "Acuerdo de servicio",
        "Entre el proveedor y el cliente, para los servicios de conectividad.",
        "Cláusula 1: el proveedor mantiene el enlace disponible el 99,5 % del mes.",
        "Cláusula 2: los incidentes se atienden según su prioridad.",
    ],
    [
        "Cláusula 3: el cliente informa los incidentes en el portal de soporte.",
        "Cláusula 4: este acuerdo rige por doce meses y se renueva solo.",
        "Firmas en la página siguiente.",
    ],
]
CERTIFICATE = [["Certificado de firmas", "Documento firmado en el portal por sus firmantes."]]


def _stored(data: bytes, name: str) -> tuple[str, str]:
    """Write `data` under MEDIA_ROOT once (by its hash): (its storage name, its SHA-256)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    sha = hashlib.sha256(data).hexdigest()
    path = f"signing/bench/{name}-{sha}.pdf"
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(data))
        assert saved == path, (saved, path)
    return path, sha


def files() -> dict:
    """The version's PDF and the completed documents' "sealed" one: path, SHA-256, pages."""
    original, original_sha = _stored(pdf_bytes(AGREEMENT), "agreement")
    sealed, sealed_sha = _stored(pdf_bytes(AGREEMENT + CERTIFICATE), "agreement-signed")
    return {
        "original": (original, original_sha, len(AGREEMENT)),
        "sealed": (sealed, sealed_sha),
    }
