"""A label before its value, with the colon each language writes ("Échéance : …" in French)."""

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def colon(label) -> str:
    return pgettext("a label before its value", "%(label)s:") % {"label": label}
