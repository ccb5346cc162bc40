"""The answers to a request type's extra fields, read back in the reader's language.

A ticket stores each answer under the field's key with the English label of the
day (`{"model": {"label": "Router model", "value": "x"}}`); a choice stores its
key. Labels and choices are looked up again when shown, so a Spanish reader sees
the Spanish label and choice; the stored label is kept for a field since removed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    label: str
    value: str


def answers(ticket) -> list[Answer]:
    stored = ticket.extra or {}
    if not stored:
        return []
    specs = {s.key: s for s in ticket.request_type.fields.all()} if ticket.request_type else {}
    shown = []
    ordered = [k for k in specs if k in stored] + [k for k in stored if k not in specs]
    for key in ordered:
        item = stored[key]
        item = item if isinstance(item, dict) else {"label": key, "value": item}
        value = str(item.get("value", ""))
        spec = specs.get(key)
        if spec is None:
            shown.append(Answer(item.get("label") or key, value))
            continue
        if spec.kind == spec.Kind.CHOICE:
            value = dict(spec.choice_items()).get(value, value)
        shown.append(Answer(spec.tr("label") or item.get("label") or key, value))
    return shown
