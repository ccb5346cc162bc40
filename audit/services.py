"""Writing the audit trail: `record`, in the caller's transaction.

No `on_commit`: the row is written in the transaction that makes the change, so
it commits or rolls back with it. A trail that said "role changed" for a change
that rolled back, or missed one that committed, could not be trusted.

Values are kept JSON-safe and short, and a field whose name says it holds a
secret (password, token, secret, key) is recorded as changed, never with its
values.
"""

import datetime
import decimal
import ipaddress
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.net import client_ip

from .context import current_request
from .models import PERSONAL_SECURITY_ACTIONS, Action, AuditEntry

__all__ = [
    "Action",
    "changes_between",
    "is_secret_field",
    "jsonable",
    "record",
    "record_export",
    "snapshot",
]

HIDDEN = "[hidden]"
MAX_TEXT = 200
MAX_ITEMS = 1000
SECRET_WORDS = ("password", "token", "secret")


def is_secret_field(name: str) -> bool:
    name = name.lower()
    return (
        any(word in name for word in SECRET_WORDS)
        or name == "key"
        or name.endswith("_key")
        or name.startswith("key_")
    )


def jsonable(value, *, depth=0):
    """A short JSON-safe copy of `value`: objects by primary key, texts cut at 200."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or ""
    if depth < 2 and isinstance(value, dict):
        return {str(k): jsonable(v, depth=depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    if depth < 2 and isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        items = [jsonable(v, depth=depth + 1) for v in list(value)[:MAX_ITEMS]]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return jsonable(str(value), depth=depth)


def _clean_changes(changes) -> dict:
    return {
        str(field): [HIDDEN, HIDDEN]
        if is_secret_field(str(field))
        else [jsonable(pair[0]), jsonable(pair[1])]
        for field, pair in (changes or {}).items()
    }


def _clean_extra(extra) -> dict:
    return {
        str(k): HIDDEN if is_secret_field(str(k)) else jsonable(v) for k, v in (extra or {}).items()
    }


def snapshot(instance, fields) -> dict:
    """`fields` of `instance` as they are now (foreign keys by id)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = (
                sorted(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
            )
        else:
            # A foreign key by its id: no query, and the id is what stays true.
            values[name] = getattr(instance, field.attname)
    return values


def changes_between(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if jsonable(before.get(name)) != jsonable(after.get(name))
    }


def _ip(request):
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _member_of(person) -> list[int]:
    """The organisations `person` is an active member of now (none for staff)."""
    if person is None or getattr(person, "pk", None) is None or person.is_staff:
        return []
    return sorted(
        person.memberships.filter(is_active=True).values_list("organisation_id", flat=True)
    )


def _is_user(value) -> bool:
    return isinstance(value, models.Model) and value._meta.label == settings.AUTH_USER_MODEL


def record(
    *,
    action: str,
    request=None,
    actor=None,
    target=None,
    organisation=None,
    changes: dict | None = None,
    extra: dict | None = None,
    label: str = "",
) -> AuditEntry:
    """Write one audit row in the current transaction and return it.

    action        an `Action` value (audit.models.Action); unknown ones are refused.
    request       the request served; defaults to the one the middleware keeps
                  (audit.context), for the address, browser and request id.
    actor         who acted; defaults to the request's signed-in user.
    target        the object acted on (any model instance), kept as type, id and label.
    organisation  the organisation whose managers see the row (team events).
    changes       {field: [before, after]}; secret fields are kept as changed only.
    extra         anything else worth keeping (filters, ids, an e-mail tried).
    label         the target's label when `target` is None or its str() is not it.

    A person's security events (PERSONAL_SECURITY_ACTIONS) also keep the
    organisations the person (the target if it is a user, else the actor) is an
    active member of at this moment, for audit.queries.security_events_for.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action: {action!r}")
    if request is None:
        request = current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    entry = AuditEntry(
        action=action,
        actor=actor,
        actor_label=(getattr(actor, "email", "") or str(actor or ""))[:254],
        actor_is_staff=bool(actor is not None and actor.is_staff),
        organisation=organisation,
        changes=_clean_changes(changes),
        extra=_clean_extra(extra),
        target_label=str(label or (target if target is not None else ""))[:300],
    )
    if request is not None:
        entry.ip = _ip(request)
        entry.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        entry.request_id = str(getattr(request, "request_id", "") or "")[:64]
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
    if action in PERSONAL_SECURITY_ACTIONS:
        entry.member_of = _member_of(target if _is_user(target) else actor)
    entry.save()
    return entry


def record_export(
    *,
    request,
    what: str,
    file_format: str,
    rows: int | None = None,
    target=None,
    organisation=None,
) -> AuditEntry:
    """An `export` row: data left the application as a file (CSV, PDF…).

    `what` names the data ("inventory.Resource", "contracts statement"); the
    request's query string is kept as the filters the file was made with.
    """
    # Without NUL bytes: a query string may hold them, a jsonb column may not.
    filters = {}
    for key in request.GET if request else ():
        values = request.GET.getlist(key)
        filters[key.replace("\x00", "")] = [value.replace("\x00", "") for value in values]
    return record(
        action=Action.EXPORT,
        request=request,
        target=target,
        organisation=organisation,
        label=str(target) if target is not None else what,
        extra={"what": what, "format": file_format, "rows": rows, "filters": filters},
    )
