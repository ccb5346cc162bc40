"""manage.py verify_pdf FILE: whether this portal sealed a PDF and it has not changed since.

Exits 0 only when the file is intact; 1 otherwise; 2 when there is no file to read.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signing.lookup import describe
from signing.pdf.verify import Verification, verify


def lines(result: Verification) -> list[str]:
    """What the command prints about a verification, one fact a line."""
    found = [f"Status: {result.status}"]
    if result.sealed_by or result.sealed_by_organisation:
        by = ", ".join(part for part in (result.sealed_by, result.sealed_by_organisation) if part)
        found.append(f"Sealed by: {by}")
    if result.sealed_at:
        found.append(f"Sealed at: {result.sealed_at.isoformat()}")
    if result.signatures:
        found.append(f"Covers the whole file: {'yes' if result.covers_whole_file else 'no'}")
    found.append(f"SHA-256: {result.sha256}")
    document = describe(result.sha256)
    if document is None:
        found.append("Document: none of ours has exactly this content")
        return found
    what = "signed and sealed" if document.sealed else "original, before signing"
    found.append(f"Document: {document.number} ({what}) {document.title}, {document.organisation}")
    for name, email, signed_at in document.signers:
        found.append(f"Signed by: {name} <{email}> at {signed_at.isoformat()}")
    return found


class Command(BaseCommand):
    help = "Check the seal of a PDF: whether this portal sealed it and it has not changed since."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the PDF to check")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}", returncode=2) from error
        result = verify(data)
        for line in lines(result):
            self.stdout.write(line)
        if not result.intact:
            raise CommandError(result.summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(result.summary))
