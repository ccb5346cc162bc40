"""Every change to a managed resource goes through here.

Each write is one transaction that also writes the resource's history row and,
for what the client hears of (a resource faulty, in maintenance or retired; an
expiry coming), records its activity event. A refused change raises
ValidationError with messages in the reader's language and writes nothing.
"""

import ipaddress
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from activity.services import record_event, record_events

from . import attributes
from .models import (
    ANNOUNCED,
    Kind,
    Resource,
    ResourceChange,
    Status,
    Threshold,
    TicketResource,
)

# The fields whose changes the history records (details compares key by key).
TRACKED = (
    "organisation_id",
    "kind",
    "name",
    "status",
    "assigned_on",
    "retired_on",
    "site",
    "service_id",
    "price",
    "currency",
    "price_period",
    "serial",
    "asset_tag",
    "notes",
    "internal_notes",
)


def _next_number(now) -> str:
    # One row per year, incremented in place: concurrent saves serialise on it.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inventory_resourcenumber (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = inventory_resourcenumber.last + 1 "
            "RETURNING last",
            [now.year],
        )
        (last,) = cursor.fetchone()
    return f"RES-{now.year}-{last:05d}"


def _plain(value):
    if value is None:
        return None
    if isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def resource_changes(before: Resource | None, after: Resource) -> dict:
    """What resource_save records as changed between `before` and `after` ({} when nothing)."""
    changes = {}
    for field in TRACKED:
        old = getattr(before, field) if before else None
        new = getattr(after, field)
        if _plain(old) != _plain(new) and not (old in (None, "") and new in (None, "")):
            changes[field.removesuffix("_id")] = [_plain(old), _plain(new)]
    old_details = before.details if before else {}
    for key in sorted(set(old_details) | set(after.details)):
        if old_details.get(key) != after.details.get(key):
            changes[f"details.{key}"] = [old_details.get(key), after.details.get(key)]
    return changes


def _check_overlap(resource: Resource, *, lock: bool = True) -> None:
    """An organisation's address blocks never overlap (retired blocks are given back)."""
    if lock:
        # Serialise the organisation's block changes so that two saves cannot both pass.
        Organisation.objects.select_for_update().filter(pk=resource.organisation_id).first()
    network = ipaddress.ip_network(resource.network)
    others = (
        Resource.objects.filter(organisation_id=resource.organisation_id, kind=Kind.IP_BLOCK)
        .exclude(network="")
        .exclude(status=Status.RETIRED)
        .exclude(pk=resource.pk)
        .values_list("number", "name", "network")
    )
    for number, name, other in others:
        other_network = ipaddress.ip_network(other)
        if other_network.version == network.version and network.overlaps(other_network):
            raise ValidationError(
                {
                    "cidr": _("%(network)s overlaps %(other)s (%(number)s, %(name)s).")
                    % {"network": network, "other": other, "number": number, "name": name}
                }
            )


def _validate(resource: Resource) -> None:
    errors = {}
    try:
        resource.details = attributes.clean(resource.kind, resource.details or {})
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        resource.full_clean(
            exclude=["details", "number"], validate_unique=True, validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    # The priced-with-currency constraint is said in words below (and price >= 0 by its
    # field): its own message only names the constraint.
    try:
        resource.validate_constraints(exclude={"details", "number", "price", *errors})
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if resource.price is not None and not resource.currency:
        errors.setdefault("currency", []).append(_("A price needs its currency."))
    if resource.price is not None and not resource.price_period:
        errors.setdefault("price_period", []).append(
            _("Say whether the price is monthly, yearly or one-off.")
        )
    if resource.service_id and resource.service.organisation_id != resource.organisation_id:
        errors.setdefault("service", []).append(_("This service belongs to another organisation."))
    if resource.retired_on and resource.assigned_on and resource.retired_on < resource.assigned_on:
        errors.setdefault("retired_on", []).append(
            _("A resource cannot be retired before it was assigned.")
        )
    if errors:
        raise ValidationError(errors)


def resource_check(resource: Resource) -> None:
    """Every check resource_save makes, without saving: a form shows the refusals on its fields.

    The save checks again under its locks (two staff adding overlapping blocks at once).
    """
    _validate(resource)
    resource.refresh_derived()
    if resource.network and resource.status != Status.RETIRED:
        _check_overlap(resource, lock=False)


@transaction.atomic
def resource_save(*, resource: Resource, by=None, source: str = "admin") -> dict:
    """Create or change `resource` as given; return what changed ({} when nothing did)."""
    before = Resource.objects.select_for_update().get(pk=resource.pk) if resource.pk else None
    if resource.status == Status.RETIRED and not resource.retired_on:
        resource.retired_on = timezone.localdate()
    _validate(resource)
    resource.refresh_derived()
    if resource.network and resource.status != Status.RETIRED:
        _check_overlap(resource)
    changes = resource_changes(before, resource)
    if before and not changes:
        return {}
    now = timezone.now()
    if before is None:
        resource.number = _next_number(now)
        resource.created_at = now
    resource.updated_at = now
    resource.save()
    status_changed = before is not None and before.status != resource.status
    ResourceChange.objects.create(
        resource=resource,
        at=now,
        by=by if by is not None and by.is_authenticated else None,
        source=source,
        fields=changes,
        status_before=before.status if status_changed else "",
        status_after=resource.status if status_changed or before is None else "",
    )
    if status_changed and resource.status in ANNOUNCED:
        record_event(
            organisation=resource.organisation,
            actor=by,
            verb="resource_status_changed",
            target=resource,
            data={
                "resource": resource.number,
                "name": resource.name,
                "kind": resource.kind,
                "status": resource.status,
            },
        )
    return changes


# Tickets ---------------------------------------------------------------------------


def _same_organisation(ticket, resources: Iterable[Resource]) -> list[Resource]:
    resources = list(resources)
    if any(resource.organisation_id != ticket.organisation_id for resource in resources):
        raise ValidationError(_("A ticket can only name its own organisation's resources."))
    return resources


@transaction.atomic
def ticket_resources_set(*, ticket, resources: Iterable[Resource], by) -> None:
    """The resources `ticket` concerns are exactly `resources` (an agent's form)."""
    wanted = {resource.pk: resource for resource in _same_organisation(ticket, resources)}
    links = TicketResource.objects.filter(ticket=ticket)
    links.exclude(resource_id__in=wanted).delete()
    present = set(links.values_list("resource_id", flat=True))
    TicketResource.objects.bulk_create(
        [
            TicketResource(ticket=ticket, resource=resource, added_by=by)
            for pk, resource in wanted.items()
            if pk not in present
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def ticket_resources_add(*, ticket, resources: Iterable[Resource], by) -> int:
    """Add resources to those `ticket` concerns (a client's new ticket or ticket page)."""
    resources = _same_organisation(ticket, resources)
    created = TicketResource.objects.bulk_create(
        [TicketResource(ticket=ticket, resource=resource, added_by=by) for resource in resources],
        ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def ticket_resource_remove(*, ticket, resource: Resource, by) -> None:
    TicketResource.objects.filter(ticket=ticket, resource=resource).delete()


# Expiry ----------------------------------------------------------------------------


def _threshold(days_left: int) -> str | None:
    if days_left < 0:
        return Threshold.EXPIRED
    if days_left <= 7:
        return Threshold.DAYS_7
    if days_left <= 30:
        return Threshold.DAYS_30
    return None


@transaction.atomic
def expiry_sweep(today=None) -> int:
    """Warn once per resource, threshold and expiry date; return how many warnings went out.

    Only the most urgent threshold reached is sent (a certificate added with five
    days left hears "7 days", not "30 days" too). Two sweeps at once insert the
    same rows: the unique constraint makes the second skip them, so each warning
    and its event exist once.
    """
    today = today or timezone.localdate()
    due = []
    for resource in (
        Resource.objects.expiring(30, today)
        .filter(kind__in=attributes.EXPIRING_KINDS)
        .select_related("organisation")
    ):
        threshold = _threshold((resource.expires_on - today).days)
        if threshold:
            due.append((resource, threshold))
    if not due:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inventory_expirywarning (resource_id, threshold, expires_on, sent_at) "
            "SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::date[], %s::timestamptz[]) "
            "ON CONFLICT DO NOTHING RETURNING resource_id, threshold",
            [
                [resource.pk for resource, _ in due],
                [threshold for _, threshold in due],
                [resource.expires_on for resource, _ in due],
                [timezone.now()] * len(due),
            ],
        )
        sent = set(cursor.fetchall())
    events = []
    for resource, threshold in due:
        if (resource.pk, threshold) not in sent:
            continue
        events.append(
            {
                "organisation": resource.organisation,
                "actor": None,
                "verb": "resource_expired"
                if threshold == Threshold.EXPIRED
                else "resource_expires_soon",
                "target": resource,
                "data": {
                    "resource": resource.number,
                    "name": resource.name,
                    "kind": resource.kind,
                    "expires_on": resource.expires_on.isoformat(),
                    "days": (resource.expires_on - today).days,
                },
            }
        )
    if events:
        record_events(events)
    return len(events)
