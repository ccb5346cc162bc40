"""`manage.py check --deploy` says when documents cannot be sent for signature."""

from django.core.checks import Tags, Warning, register

from .pdf.seal import seal_available


@register(Tags.security, deploy=True)
def seal_configured(app_configs, **kwargs):
    if seal_available():
        return []
    return [
        Warning(
            "The provider's seal is not set up: documents cannot be sent for signature.",
            hint="Set SIGNING_PKCS12_PATH to a PKCS#12 file (key and certificate) and "
            "SIGNING_PKCS12_PASSPHRASE to its passphrase, in the environment.",
            id="signing.W001",
        )
    ]
