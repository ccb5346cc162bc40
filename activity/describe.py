"""An event as people read it: one sentence, and what the sentence leaves out.

The wording is the verb's (core.plugins.Verb, declared by the app the event
belongs to): its template, and how a data value is put in the reader's words.
"""

from django.utils.translation import gettext as _

from core import plugins


def describe(event, *, hide_subject: bool = False) -> str:
    """The event as one sentence in the active language.

    `hide_subject` for a reader who can no longer see what the event is about:
    its subject line is not theirs to read any more (its number, which they
    were told, stays).
    """
    verb = plugins.verbs().get(event.verb)
    if verb is None:
        return event.verb
    # A value its label reads may be structured (a title in each language).
    params = {
        key: value
        for key, value in event.data.items()
        if isinstance(value, str | int | float) or key in verb.labels
    }
    if hide_subject and "subject" in params:
        params["subject"] = "…"
    params["actor"] = str(event.actor) if event.actor_id else _("Support")
    for key, label in verb.labels.items():
        if key in params:
            params[key] = label(params[key])
    # Formatted lazily: a sentence with a count (ngettext_lazy keyed by a data
    # field) picks its plural form from the data only while being formatted.
    try:
        return str(verb.template % _Blanks(params))
    except (ValueError, TypeError):
        return str(verb.template).split("%(")[0].strip() or event.verb


class _Blanks(dict):
    """Event data written before a placeholder existed: the sentence keeps its shape."""

    def __missing__(self, key):
        return "…"


def detail(event) -> str:
    """What the sentence leaves out (an escalation's reason, a call's phone), or ""."""
    verb = plugins.verbs().get(event.verb)
    if verb is None or verb.detail is None or event.is_internal:
        return ""
    params = {
        key: (value if value != "" else "—")
        for key, value in event.data.items()
        if isinstance(value, str | int | float)
    }
    # A coded value (a refusal's reason) in the reader's words, as in the sentence.
    for key, label in verb.labels.items():
        if key in params and params[key] != "—":
            params[key] = label(params[key])
    try:
        return str(verb.detail) % params
    except (KeyError, ValueError, TypeError):
        return ""
