"""The pages appended to a signed document: the signatures, then the audit certificate.

Written in the document's language; each time in UTC (to the second, the same
for everyone) and in the zone of the person it concerns, named with its offset,
in that language's format. One WeasyPrint run makes both, so the certificate
starts on a page of its own after the signatures.
"""

import base64
from datetime import UTC, datetime

from django.template.loader import render_to_string
from django.utils.formats import date_format

from core import i18n

from .records import AuditRecord, SignerRecord
from .render import html_to_pdf


def in_utc(moment: datetime) -> str:
    """'2026-03-04 15:02:11 UTC'."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def in_zone(moment: datetime, zone_name: str) -> str:
    """'4 de marzo de 2026 a las 12:02 (America/Santiago, UTC-03:00)' in the active language.

    Empty when the zone is unknown or UTC itself: in_utc() says it already.
    """
    zone = i18n.zone(zone_name)
    if zone is None or zone_name in ("UTC", "Etc/UTC"):
        return ""
    local = moment.astimezone(zone)
    offset = local.strftime("%z") or "+0000"
    written = date_format(local, "DATETIME_FORMAT")
    return f"{written} ({zone_name}, UTC{offset[0]}{offset[1:3]}:{offset[3:5]})"


def _signer(signer: SignerRecord) -> dict:
    image = ""
    if signer.signature_png:
        image = "data:image/png;base64," + base64.b64encode(signer.signature_png).decode("ascii")
    return {
        "record": signer,
        "image": image,
        "mark": signer.typed_signature or signer.typed_name or signer.name,
        "utc": in_utc(signer.signed_at),
        "local": in_zone(signer.signed_at, signer.time_zone),
    }


def context(record: AuditRecord) -> dict:
    """What the template shows, with every time already written out (in the active language)."""
    return {
        "record": record,
        "signers": [_signer(signer) for signer in record.signers],
        "events": [
            {
                "utc": in_utc(event.at),
                "local": in_zone(event.at, record.time_zone),
                "text": event.text,
            }
            for event in record.events
        ],
        "sent_utc": in_utc(record.sent_at),
        "sent_local": in_zone(record.sent_at, record.time_zone),
        "completed_utc": in_utc(record.completed_at) if record.completed_at else "",
        "completed_local": (
            in_zone(record.completed_at, record.time_zone) if record.completed_at else ""
        ),
        "language": i18n.language_for(record.language),
    }


def completion_html(record: AuditRecord) -> tuple[str, str]:
    """The HTML and CSS of the signatures page and the certificate, in the record's language."""
    with i18n.override(record.language):
        html = render_to_string("signing/pdf/completion.html", context(record))
        css = render_to_string("signing/pdf/completion.css")
    return html, css


def completion_pdf(record: AuditRecord) -> bytes:
    """The signatures page and the audit certificate as one PDF, to append after the original."""
    html, css = completion_html(record)
    return html_to_pdf(html, stylesheets=[css])
