"""Real PDFs, drawn signatures and audit records for the tests of signing/pdf."""

import io
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw

from signing.pdf import render
from signing.pdf.checks import check_pdf, check_signature_image
from signing.pdf.records import AuditRecord, EventRecord, SignerRecord

SENT_AT = datetime(2026, 3, 4, 15, 2, 11, tzinfo=UTC)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def original_pdf(pages: int = 2, title: str = "Contrato de servicio") -> bytes:
    """A document composed as staff would, `pages` pages long."""
    body = render.compose(
        "{% for n in pages %}<h1{% if not forloop.first %} style='break-before: page'{% endif %}>"
        "{{ title }} {{ n }}</h1>"
        "<p>Entre {{ provider }} y {{ client }}: cláusula número {{ n }}.</p>{% endfor %}",
        {
            "pages": list(range(1, pages + 1)),
            "title": title,
            "provider": "Andes Soporte SpA",
            "client": "Andes Fibra Ñuñoa",
        },
    )
    return render.compose_pdf(body, title=title, language="es")


def signature_png(width: int = 600, height: int = 200, **info) -> bytes:
    """A stroke drawn on a transparent canvas, as a browser's canvas.toDataURL() gives."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(40 + x * 10, height // 2 + ((-1) ** x) * (20 + x % 7 * 6)) for x in range(50)]
    draw.line(points, fill=(20, 30, 90, 255), width=5, joint="curve")
    out = io.BytesIO()
    pnginfo = None
    if info:
        from PIL.PngImagePlugin import PngInfo

        pnginfo = PngInfo()
        for key, value in info.items():
            pnginfo.add_text(key, value)
    image.save(out, format="PNG", pnginfo=pnginfo)
    return out.getvalue()


def signer(**overrides) -> SignerRecord:
    values = {
        "name": "Diego Pérez",
        "typed_name": "Diego Andrés Pérez Soto",
        "email": "diego@andes.test",
        "organisation": "Andes Fibra",
        "signed_at": SENT_AT + timedelta(hours=1),
        "time_zone": "America/Santiago",
        "ip": "203.0.113.7",
        "user_agent": FIREFOX,
        "auth_method": "Portal session",
        "consent_text": "I agree to sign this document electronically.",
        "consent_sha256": "c0" * 32,
        "signature_png": None,
        "typed_signature": "Diego Pérez",
    }
    values.update(overrides)
    return SignerRecord(**values)


def record(original: bytes, **overrides) -> AuditRecord:

    info = check_pdf(original)
    values = {
        "document_id": "DOC-2026-0042",
        "title": "Contrato de servicio",
        "version": 2,
        "language": "en",
        "original_sha256": info.sha256,
        "original_pages": info.pages,
        "sent_at": SENT_AT,
        "provider_name": "Andes Soporte SpA",
        "sent_by": "Ana Agent",
        "completed_at": SENT_AT + timedelta(hours=3),
        "time_zone": "America/Santiago",
        "signers": [
            signer(signature_png=check_signature_image(signature_png()), typed_signature=""),
            signer(
                name="Camila Rojas",
                typed_name="Camila Rojas Muñoz",
                email="camila@andes.test",
                signed_at=SENT_AT + timedelta(hours=3),
                time_zone="Europe/Madrid",
                ip="2001:db8::1",
                typed_signature="Camila Rojas",
                auth_method="E-mailed link",
            ),
        ],
        "events": [
            EventRecord(SENT_AT, "Ana Agent sent the document to 2 signers"),
            EventRecord(SENT_AT + timedelta(minutes=30), "Diego Pérez viewed the document"),
            EventRecord(SENT_AT + timedelta(hours=1), "Diego Pérez signed"),
            EventRecord(SENT_AT + timedelta(hours=3), "Camila Rojas signed"),
        ],
    }
    values.update(overrides)
    return AuditRecord(**values)
