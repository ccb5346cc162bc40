from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def drawio_timeout_ms() -> int:
    """How long the page waits for the editor's "init" before offering a file upload."""
    return int(settings.DRAWIO_TIMEOUT_SECONDS * 1000)
