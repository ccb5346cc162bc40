from django.utils.translation import gettext as _

from .verbs import DETAILS, VERBS


def describe(event, *, hide_subject: bool = False) -> str:
    """The event as one sentence in the active language.

    `hide_subject` for a reader who can no longer see the ticket: its subject
    is not theirs to read any more (its number, which they were told, stays).
    """
    params = {
        key: value for key, value in event.data.items() if isinstance(value, str | int | float)
    }
    if hide_subject and "subject" in params:
        params["subject"] = "…"
    params["actor"] = str(event.actor) if event.actor_id else _("Support")
    if params.get("assignee") == "":
        params["assignee"] = _("nobody")
    if "role" in params:
        params["role"] = _display_role(params["role"])
    if "status" in params:
        params["status"] = _display_choice("tickets.states", "Status", params["status"])
    if "kind" in params:
        params["kind"] = _display_choice("sla.models", "Kind", params["kind"])
    if "priority" in params:
        params["priority"] = _display_choice("tickets.states", "Priority", params["priority"])
    # Formatted lazily: a sentence with a count (ngettext_lazy keyed by a data
    # field) picks its plural form from the data only while being formatted.
    template = VERBS.get(event.verb, event.verb)
    try:
        return str(template % _Blanks(params))
    except (ValueError, TypeError):
        return str(template).split("%(")[0].strip() or event.verb


class _Blanks(dict):
    """Event data written before a placeholder existed: the sentence keeps its shape."""

    def __missing__(self, key):
        return "…"


def _display_role(value):
    from accounts.models import PARTNER, Role

    if value == PARTNER:
        return _("partner")
    try:
        return str(Role(value).label).lower()
    except ValueError:
        return value


def _display_choice(module, name, value):
    from importlib import import_module

    choices = getattr(import_module(module), name)
    try:
        return str(choices(value).label).lower()
    except ValueError:
        return value


def detail(event) -> str:
    """What the sentence leaves out (an escalation's reason, a call's phone), or ""."""
    template = DETAILS.get(event.verb)
    if template is None or event.is_internal:
        return ""
    params = {
        key: (value if value != "" else "—")
        for key, value in event.data.items()
        if isinstance(value, str | int | float)
    }
    try:
        return str(template) % params
    except (KeyError, ValueError, TypeError):
        return ""
