from django import template

from ..display import format_business_time

register = template.Library()


@register.filter
def business_time(value):
    """Remaining business time, e.g. '3 h 20 min left' or '45 minutes late'."""
    return format_business_time(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
