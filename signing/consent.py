"""The consent a signer reads and accepts before signing, versioned.

The exact words shown are stored with the signature (and their SHA-256), so the
certificate page says what each signer agreed to in their own language, even
after this text changes. Change the wording: bump the version.
"""

import hashlib

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

VERSION = "2026-12"

TEXT = _(
    "I agree to sign this document electronically. I have reviewed all its pages. "
    "My typed name and my signature below, together with the record of this session "
    "(time, address and browser), are my signature on this document, with the same "
    "intent as a handwritten signature. I know I can decline instead, and that I can "
    "download the signed document from the portal at any time."
)


def consent(language: str) -> tuple[str, str]:
    """The consent text in `language` and its SHA-256."""
    with override(language):
        text = str(TEXT)
    return text, hashlib.sha256(text.encode()).hexdigest()
