"""Refusals of the PDF layer, each a ValidationError in the reader's language.

They are ValidationErrors so that a form's clean() or a service may let them
through and core.views.act shows them as they are.
"""

from django.core.exceptions import ValidationError


class PdfRefused(ValidationError):
    """The bytes are not a PDF that may be sent for signature."""


class ImageRefused(ValidationError):
    """The drawn signature is not a usable PNG."""


class TemplateRefused(ValidationError):
    """A staff-written document template does not compile."""


class SealUnavailable(ValidationError):
    """The provider's seal is not configured or cannot be loaded."""
