"""Documents to sign for tests: real PDFs, a real seal, everything through the services."""

import functools
import tempfile
from datetime import timedelta
from pathlib import Path

from django.test import override_settings
from django.utils import timezone

from signing import services
from signing.pdf.render import html_to_pdf
from signing.pdf.seal import make_pkcs12
from tests.factories import PASSWORD

PASSPHRASE = "test-seal-passphrase"


@functools.cache
def seal_path() -> str:
    """A self-signed seal, made once per test process."""
    folder = Path(tempfile.mkdtemp(prefix="portal-seal-"))
    path = folder / "seal.p12"
    path.write_bytes(make_pkcs12(PASSPHRASE, common_name="Test Portal seal"))
    return str(path)


def with_seal():
    return override_settings(SIGNING_PKCS12_PATH=seal_path(), SIGNING_PKCS12_PASSPHRASE=PASSPHRASE)


@functools.cache
def pdf(text: str = "Service agreement", pages: int = 2) -> bytes:
    body = "".join(
        f'<section style="page-break-after: always"><h1>{text}</h1><p>Page {n} of the '
        f"agreement between the provider and the client: clause {n}.</p></section>"
        for n in range(1, pages + 1)
    )
    return html_to_pdf(f"<html><body>{body}</body></html>")


def draft(world, *, signers=None, in_order=True, title="Acuerdo de servicio", **options):
    with with_seal():
        return services.document_create(
            organisation=world.org,
            title=title,
            language=options.pop("language", "es"),
            by=world.agent,
            due_at=options.pop("due_at", timezone.now() + timedelta(days=7)),
            signers=signers if signers is not None else [world.member, world.manager],
            pdf=options.pop("pdf_bytes", pdf()),
            pdf_name="acuerdo.pdf",
            in_order=in_order,
            **options,
        )


def sent(world, **options):
    document = draft(world, **options)
    with with_seal():
        return services.document_send(document=document, by=world.agent)


def sign(document, user, **options):
    values = {
        "password": PASSWORD,
        "consented": True,
        "typed_name": user.display_name or "Firmante",
        "typed_signature": user.display_name or "Firmante",
        "client": services.Client(ip="198.51.100.7", user_agent="pytest browser"),
    }
    values.update(options)
    return services.document_sign(document=document, user=user, **values)
