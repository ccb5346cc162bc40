from django import template

from tickets.secrets import rules_json

register = template.Library()


@register.simple_tag
def secret_rules():
    """The secret-detection rules for portal.js, next to a form that warns."""
    return rules_json()
