"""The organisation's activity feed: which events a client may read, and how to page them.

`feed_for()` is the feed's one scoping entry point (the dashboard and the
/activity/ pages both read through it). The audience of each verb
(activity/verbs.py) decides who sees it: ticket events follow the ticket's own
visibility, organisation events are for everyone, hours-bank events for
managers and partners. Internal events and staff-only kinds never appear.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils import timezone

from accounts.models import PARTNER, Role
from tickets.models import Ticket

from .describe import describe
from .models import Event
from .verbs import KINDS, MANAGERS, ORGANISATION, TICKET, VERB_TABLE, Kind

PAGE_SIZE = 50
WHOLE_ORGANISATION_ROLES = (Role.MANAGER, PARTNER)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _verbs(*audiences: str) -> list[str]:
    return [
        verb
        for verb, entry in VERB_TABLE.items()
        if entry.audience in audiences and not KINDS[entry.kind].staff_only
    ]


def _role_in(access, organisation) -> str | None:
    if organisation is None:
        return None
    return next((o.role for o in access.organisations if o.pk == organisation.pk), None)


def feed_for(user, access, organisation):
    """The public events of `organisation` that `user` may read, newest first.

    `access` is the request's PortalAccess: the role it holds for `organisation`
    decides the audience. An organisation the user cannot act for gives nothing.
    """
    role = _role_in(access, organisation)
    if role is None or not user.is_authenticated or user.is_staff:
        return Event.objects.none()
    events = Event.objects.for_organisation_feed(organisation)
    if role in WHOLE_ORGANISATION_ROLES:
        return events.filter(verb__in=_verbs(TICKET, ORGANISATION, MANAGERS))
    # Plain members: the tickets they requested or watch, matched on the number
    # every ticket event carries in its data.
    numbers = Ticket.objects.visible_to(user).filter(organisation=organisation).values("number")
    return events.alias(number=KeyTextTransform("number", "data")).filter(
        Q(verb__in=_verbs(ORGANISATION)) | Q(verb__in=_verbs(TICKET), number__in=numbers)
    )


def kinds_for(access, organisation) -> list[Kind]:
    """The kinds the feed offers as filters: never staff-only, hours bank for managers."""
    whole = _role_in(access, organisation) in WHOLE_ORGANISATION_ROLES
    return [
        kind
        for kind in KINDS.values()
        if not kind.staff_only and (whole or kind.key != "hours_bank")
    ]


def filtered(events, *, kind=None, start: date | None = None, end: date | None = None):
    """Narrow a feed by kind and by local dates (whole days in the active time zone)."""
    if kind:
        events = events.filter(verb__in=[v for v, e in VERB_TABLE.items() if e.kind == kind])
    if start:
        events = events.filter(created_at__gte=_local_midnight(start))
    if end:
        events = events.filter(created_at__lt=_local_midnight(end + timedelta(days=1)))
    return events


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Keyset pagination ---------------------------------------------------------------
# A cursor is the (created_at, pk) of the last event shown, so an older page is
# one indexed range read however deep it is, and no COUNT is ever needed.


def cursor_of(event) -> str:
    return f"{(event.created_at - _EPOCH) // _MICROSECOND}-{event.pk}"


def parse_cursor(value: str) -> tuple[datetime, int]:
    """(created_at, pk) from a cursor; ValueError when it is not one."""
    micros, _, pk = value.partition("-")
    if not (micros.isdecimal() and pk.isdecimal()):
        raise ValueError(value)
    try:
        return _EPOCH + int(micros) * _MICROSECOND, int(pk)
    except OverflowError as error:
        raise ValueError(value) from error


def older_than(events, cursor: tuple[datetime, int]):
    created_at, pk = cursor
    return events.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))


def page_of(events, cursor=None) -> tuple[list[Event], str | None]:
    """One page, newest first, and the cursor of the next older page (None at the end)."""
    if cursor is not None:
        events = older_than(events, cursor)
    rows = list(events[: PAGE_SIZE + 1])
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        return rows, cursor_of(rows[-1])
    return rows, None


# Rows as the templates show them -----------------------------------------------------


@dataclass
class Entry:
    event: Event
    sentence: str
    kind: Kind | None
    url: str | None
    detail: str  # the ticket's subject when the sentence does not already say it

    @property
    def when(self) -> datetime:
        return self.event.created_at


def link_for(event, access) -> str | None:
    """Where the event leads, only when the reader may open it.

    Every ticket event in a reader's feed is about a ticket they can see
    (feed_for() matched it); hours-bank events reach managers and partners only,
    who may open the organisation's contracts.
    """
    entry = VERB_TABLE.get(event.verb)
    if entry is None:
        return None
    number = event.data.get("number")
    if entry.audience == TICKET and isinstance(number, str) and number:
        return reverse("tickets:detail", kwargs={"number": number})
    if (
        entry.audience == MANAGERS
        and access.sees_whole_organisation
        and event.target_id.isdecimal()
        and event.target_type_id is not None
    ):
        return reverse("contracts:detail", kwargs={"pk": int(event.target_id)})
    return None


def entries(events, access) -> list[Entry]:
    rows = []
    for event in events:
        entry = VERB_TABLE.get(event.verb)
        sentence = describe(event)
        subject = event.data.get("subject") if entry and entry.audience == TICKET else None
        rows.append(
            Entry(
                event=event,
                sentence=sentence,
                kind=KINDS.get(entry.kind) if entry else None,
                url=link_for(event, access),
                detail=subject if isinstance(subject, str) and subject not in sentence else "",
            )
        )
    return rows


@dataclass
class Day:
    date: date
    entries: list[Entry]


def by_day(rows: list[Entry]) -> list[Day]:
    """Consecutive rows grouped under their local date (the active time zone)."""
    days: list[Day] = []
    for row in rows:
        local = timezone.localdate(row.when)
        if days and days[-1].date == local:
            days[-1].entries.append(row)
        else:
            days.append(Day(local, [row]))
    return days
