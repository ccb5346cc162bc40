"""Which of our documents a file is, by its SHA-256, told as far as the reader may know."""

from dataclasses import dataclass, field

from .models import Document, DocumentVersion
from .states import DocumentStatus, SignerStatus


@dataclass
class Found:
    sealed: bool  # the signed, sealed file (False: an original as sent for signature)
    number: str = ""
    title: str = ""
    organisation: str = ""
    finished_at: object = None
    url: str = ""
    signers: list = field(default_factory=list)  # (name, e-mail, signed at)


def describe(sha256: str, user=None) -> Found | None:
    """The document whose sealed file (or original) has this hash.

    With `user`, details only of a document the user may read; a file of a
    document they may not read is named only as one of ours (its holder already
    has what the file says). Without a user (the command line): everything.
    """
    document = Document.objects.filter(sealed_sha256=sha256).select_related("organisation").first()
    sealed = document is not None
    version = document.current_version if sealed else None
    if document is None:
        version = (
            DocumentVersion.objects.filter(sha256=sha256)
            .select_related("document__organisation")
            .order_by("-pk")
            .first()
        )
        if version is None:
            return None
        document = version.document
    if user is not None and not Document.objects.visible_to(user).filter(pk=document.pk).exists():
        return Found(sealed=sealed, finished_at=document.finished_at if sealed else None)
    signers = [
        (s.typed_name or s.user.display_name, s.user.email, s.signed_at)
        for s in document.signers.filter(version=version, status=SignerStatus.SIGNED)
        .select_related("user")
        .order_by("signed_at")
    ]
    return Found(
        sealed=sealed,
        number=document.number,
        title=document.title,
        organisation=document.organisation.name,
        finished_at=document.finished_at if document.status == DocumentStatus.COMPLETED else None,
        url=document.get_absolute_url() if user is not None else "",
        signers=signers,
    )
