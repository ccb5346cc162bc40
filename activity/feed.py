"""The organisation's activity feed: which events a client may read, and how to page them.

`feed_for()` is the feed's one scoping entry point (the dashboard and the
/activity/ pages both read through it); it narrows Event.objects.visible_to()
to the organisation the reader acts for. The audience of each verb (declared by
its app, core.plugins) decides who sees it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import PARTNER, Role
from core import plugins

from .describe import describe
from .models import Event

PAGE_SIZE = 50
WHOLE_ORGANISATION_ROLES = (Role.MANAGER, PARTNER)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _role_in(access, organisation) -> str | None:
    if organisation is None:
        return None
    return next((o.role for o in access.organisations if o.pk == organisation.pk), None)


def feed_for(user, access, organisation):
    """The public events of `organisation` that `user` may read, newest first.

    `access` is the request's PortalAccess: an organisation the user cannot act
    for gives nothing.
    """
    if _role_in(access, organisation) is None:
        return Event.objects.none()
    return Event.objects.visible_to(user).for_organisation_feed(organisation)


def _for_managers(kind: str) -> bool:
    """A kind whose every event is for managers and partners (the hours bank)."""
    audiences = {verb.audience for verb in plugins.verbs().values() if verb.kind == kind}
    return audiences == {plugins.MANAGERS}


def kinds_for(access, organisation) -> list[plugins.Kind]:
    """The kinds the feed offers as filters: never staff-only, managers' kinds for them only."""
    whole = _role_in(access, organisation) in WHOLE_ORGANISATION_ROLES
    return [
        kind
        for kind in plugins.kinds().values()
        if not kind.staff_only and (whole or not _for_managers(kind.key))
    ]


def filtered(events, *, kind=None, start: date | None = None, end: date | None = None):
    """Narrow a feed by kind and by local dates (whole days in the active time zone)."""
    if kind:
        events = events.filter(verb__in=plugins.verbs_of_kind(kind))
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
    kind: plugins.Kind | None
    url: str | None
    detail: str  # the subject line (a ticket's) when the sentence does not already say it

    @property
    def when(self) -> datetime:
        return self.event.created_at


def link_for(event, access) -> str | None:
    """Where the event leads, only when the reader may open it.

    Every subject event in a reader's feed is about something they can open
    (feed_for() matched it); managers' events reach managers and partners only,
    who may open what they link to.
    """
    verb = plugins.verbs().get(event.verb)
    if verb is None:
        return None
    subject = plugins.subject_of(event.verb)
    if verb.audience == plugins.SUBJECT and subject is not None:
        reference = event.data.get(subject.data_key)
        return subject.url(reference) if isinstance(reference, str) and reference else None
    if verb.audience == plugins.MANAGERS and access.sees_whole_organisation and verb.link:
        return verb.link(event, staff=False)
    if verb.audience == plugins.ORGANISATION and verb.open_link and verb.link:
        return verb.link(event, staff=False)
    return None


def entries(events, access) -> list[Entry]:
    rows = []
    kinds = plugins.kinds()
    for event in events:
        verb = plugins.verbs().get(event.verb)
        sentence = describe(event)
        about = verb is not None and verb.audience == plugins.SUBJECT
        subject = event.data.get("subject") if about else None
        rows.append(
            Entry(
                event=event,
                sentence=sentence,
                kind=kinds.get(verb.kind) if verb else None,
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
