"""Saved queue views: what a stored filter means, their counts, and the services that keep them.

A view's `filters` is a small structured dict (FILTER_KEYS), read by `clean()`
and turned into a Q by `q_for()`: the queue applies that Q (`?view=<id>`,
tickets/admin/saved_views.py) and the sidebar counts every view the agent sees
with the same Qs, in one aggregate. Anything unknown or malformed in a stored
filter is dropped, never an error: a view saved before a status was renamed
still opens.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import QueueDefault, SavedView, Tag
from .states import OPEN_STATUSES, Priority, Status

MY_OPEN = "my-open"  # the key of the shared view every agent falls back to

ME, NOBODY = "me", "nobody"
FILTER_KEYS = (
    "statuses",
    "priorities",
    "assignee",
    "tags",
    "sla",
    "waiting_days",
    "escalated",
    "organisation",
)
SLA_TODAY = "today"

# The queue's orderings a view may sort by; the queue's ranks are aliases there
# (tickets/admin/queue.py QUEUE_RANKS).
SORTS = {
    "recent": (gettext_lazy("Latest client activity first"), ["-last_client_activity_at", "-pk"]),
    "oldest": (gettext_lazy("Oldest client activity first"), ["last_client_activity_at", "pk"]),
    "priority": (
        gettext_lazy("Most urgent first"),
        [F("priority_rank").desc(), "-last_client_activity_at", "-pk"],
    ),
    "sla": (
        gettext_lazy("Nearest SLA deadline first"),
        [F("sla_due_at").asc(nulls_last=True), "pk"],
    ),
    "created": (gettext_lazy("Newest first"), ["-created_at", "-pk"]),
}
SORT_CHOICES = [(key, label) for key, (label, _ordering) in SORTS.items()]
DEFAULT_SORT = "recent"


def _ints(values) -> list[int]:
    return [int(v) for v in values if str(v).isdecimal()]


def clean(filters) -> dict:
    """The filter as the queue reads it: known keys with valid values only."""
    filters = filters if isinstance(filters, dict) else {}
    found = {}
    statuses = [s for s in filters.get("statuses") or [] if s in Status.values]
    if statuses:
        found["statuses"] = statuses
    priorities = [p for p in filters.get("priorities") or [] if p in Priority.values]
    if priorities:
        found["priorities"] = priorities
    assignee = str(filters.get("assignee") or "")
    if assignee in (ME, NOBODY) or assignee.isdecimal():
        found["assignee"] = assignee
    tags = [str(t) for t in filters.get("tags") or [] if str(t)]
    if tags:
        found["tags"] = tags
    if filters.get("sla") == SLA_TODAY:
        found["sla"] = SLA_TODAY
    days = filters.get("waiting_days")
    if isinstance(days, int) and not isinstance(days, bool) and 0 <= days <= 365:
        found["waiting_days"] = days
    if filters.get("escalated") is True:
        found["escalated"] = True
    organisation = filters.get("organisation")
    if isinstance(organisation, int) and not isinstance(organisation, bool):
        found["organisation"] = organisation
    return found


def end_of_today(now=None) -> dt.datetime:
    """Midnight ending the day in the active time zone (the agent's, set per request)."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def q_for(filters, user, now=None) -> Q:
    """The tickets a view's filter keeps, for `user` (the "me" of it)."""
    filters = clean(filters)
    now = now or timezone.now()
    q = Q(status__in=filters.get("statuses") or OPEN_STATUSES)
    if "priorities" in filters:
        q &= Q(priority__in=filters["priorities"])
    assignee = filters.get("assignee")
    if assignee == ME:
        q &= Q(assignee_id=user.pk)
    elif assignee == NOBODY:
        q &= Q(assignee__isnull=True)
    elif assignee:
        q &= Q(assignee_id=int(assignee))
    if "tags" in filters:
        q &= Q(
            pk__in=Tag.tickets.through.objects.filter(tag__slug__in=filters["tags"]).values(
                "ticket_id"
            )
        )
    if "sla" in filters:
        # Before the end of the agent's day, the breached ones included.
        q &= Q(sla_due_at__lt=end_of_today(now))
    if "waiting_days" in filters:
        # Waiting on the client, who has done nothing for that long.
        q &= Q(
            status=Status.WAITING_ON_CLIENT,
            last_client_activity_at__lt=now - dt.timedelta(days=filters["waiting_days"]),
        )
    if filters.get("escalated"):
        # The same rule as Ticket.is_escalated (and the queue's escalation filter).
        q &= Q(
            escalated_at__isnull=False,
            escalation_resolved_at__isnull=True,
            merged_into__isnull=True,
        )
    if "organisation" in filters:
        q &= Q(organisation_id=filters["organisation"])
    return q


def ordering_for(view) -> list:
    return list(SORTS.get(view.sort, SORTS[DEFAULT_SORT])[1])


def views_for(user) -> list[SavedView]:
    """The views `user` sees: the shared ones, then their own."""
    return sorted(
        SavedView.objects.visible_to(user).select_related(None),
        key=lambda v: (v.owner_id is not None, v.position, v.tr("name").casefold(), v.pk),
    )


def counts(views, tickets, user, now=None) -> dict[int, int]:
    """How many of `tickets` each view keeps: one query for them all."""
    if not views:
        return {}
    now = now or timezone.now()
    qs = {view.pk: q_for(view.filters, user, now) for view in views}
    either = Q()
    for q in qs.values():
        either |= q
    totals = (
        tickets.order_by()
        .filter(either)
        .aggregate(**{f"v{pk}": Count("pk", filter=q) for pk, q in qs.items()})
    )
    return {pk: totals[f"v{pk}"] for pk in qs}


def default_for(user, views=None) -> SavedView | None:
    """The view the agent lands on: their choice, else the shared "My open"."""
    chosen = QueueDefault.objects.filter(user=user).values_list("view_id", flat=True).first()
    views = views if views is not None else views_for(user)
    by_id = {view.pk: view for view in views}
    if chosen in by_id:
        return by_id[chosen]
    return next((view for view in views if view.key == MY_OPEN), None)


def from_params(params, user) -> dict:
    """The filter of the queue's current querystring, as a view stores it."""
    filters = {}
    status = params.get("status", "")
    if status in Status.values:
        filters["statuses"] = [status]
    elif status == "all":
        filters["statuses"] = list(Status.values)
    priority = params.get("priority__exact", "")
    if priority in Priority.values:
        filters["priorities"] = [priority]
    assigned = params.get("assigned", "")
    if assigned in (ME, NOBODY) or assigned.isdecimal():
        filters["assignee"] = assigned
    if params.get("tag"):
        filters["tags"] = [params["tag"]]
    if params.get("escalation") == "open":
        filters["escalated"] = True
    organisation = params.get("organisation__id__exact", "")
    if organisation.isdecimal():
        filters["organisation"] = int(organisation)
    return clean(filters)


# --- Services: a view is the agent's own preference, not a change to any
# ticket, so they record no event.


def _name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the view a name."))
    if len(name) > 80:
        raise ValidationError(_("A view's name has at most 80 characters."))
    return name


def _own(view, user):
    if view.owner_id != user.pk:
        raise ValidationError(_("Only your own views can be changed here."))


@transaction.atomic
def view_save(*, user, name: str, filters: dict, sort: str = DEFAULT_SORT) -> SavedView:
    """A personal view of the queue as it is filtered now."""
    name = _name(name)
    if SavedView.objects.filter(owner=user, name__iexact=name).exists():
        raise ValidationError(_("You already have a view with that name."))
    return SavedView.objects.create(
        owner=user,
        name=name,
        filters=clean(filters),
        sort=sort if sort in SORTS else DEFAULT_SORT,
    )


@transaction.atomic
def view_rename(*, view, user, name: str) -> SavedView:
    _own(view, user)
    view.name = _name(name)
    view.save(update_fields=["name"])
    return view


@transaction.atomic
def view_delete(*, view, user) -> None:
    _own(view, user)
    view.delete()


@transaction.atomic
def default_set(*, user, view) -> None:
    if not SavedView.objects.visible_to(user).filter(pk=view.pk).exists():
        raise ValidationError(_("Choose one of your views or a shared one."))
    QueueDefault.objects.update_or_create(user=user, defaults={"view": view})
