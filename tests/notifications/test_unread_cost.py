"""The unread count (every page, the bell's poll) reads the user's unread rows and nothing else.

A client's rows leave out internal events through `event_public`, copied from
the event whenever a row is written, so counting them reads no event. Priced
on realistic proportions: an organisation's public events and other people's
notifications, then ten times as many.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone

from activity.models import Event, Visibility
from notifications.centre import Notices, unread_count
from notifications.models import Notification
from tests.plans import analyze, reads_of

UNREAD = 20


def _events(world, count, visibility=Visibility.PUBLIC):
    return Event.objects.bulk_create(
        Event(organisation=world.org, verb="member_joined", visibility=visibility)
        for _ in range(count)
    )


def _notify(user, events, read=False):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            event=event,
            user=user,
            channel="portal",
            status="sent",
            read_at=now if read else None,
            announced_at=now,
        )
        for event in events
    )


@pytest.fixture
def crowd(world):
    _notify(world.member, _events(world, UNREAD))
    _notify(world.member, _events(world, 30), read=True)
    # Rows the fan-out never writes for a client, hidden all the same.
    _notify(world.member, _events(world, 5, Visibility.INTERNAL))

    def others(times):
        _events(world, 500 * times)
        _notify(world.other_member, _events(world, 300 * times))
        _notify(world.manager, _events(world, 300 * times, Visibility.INTERNAL))
        analyze()

    others(1)
    return lambda: others(9)


def _reads(user):
    def run():
        assert unread_count(user) == UNREAD
        notices = Notices(SimpleNamespace(user=user, headers={}, path="/"))
        assert notices.unread == UNREAD

    return reads_of(run)


def test_the_unread_count_reads_the_users_unread_rows_only(world, crowd):
    before = _reads(world.member)
    crowd()
    after = _reads(world.member)

    plans = "\n\n".join(after.plans)
    assert after.of("activity_event") == 0, plans
    # Two queries (the bell's count, the page's figures), each the unread rows
    # at most: the internal ones are skipped inside the index.
    assert after.of("notifications_notification") <= 2 * UNREAD, plans
    # Others' rows add nothing. (With little data the planner may read all of the
    # member's own 55 rows instead of the 20 unread ones: the user's data still.)
    assert after.of("notifications_notification") <= before.of("notifications_notification")
    assert after.buffers <= before.buffers + 10, plans


def test_a_rows_event_visibility_is_copied_however_it_is_written(world):
    public, internal = _events(world, 1)[0], _events(world, 1, Visibility.INTERNAL)[0]
    created = Notification.objects.create(event=internal, user=world.member, channel="portal")
    # By id only: the events are read in one query.
    Notification.objects.bulk_create(
        [
            Notification(event_id=public.pk, user=world.manager, channel="portal"),
            Notification(event_id=internal.pk, user=world.manager, channel="portal"),
        ]
    )
    rows = Notification.objects.values_list("event__visibility", "event_public")
    assert set(rows) == {(Visibility.PUBLIC, True), (Visibility.INTERNAL, False)}
    assert not created.event_public


def test_the_migration_fills_the_copy_for_existing_rows(world):
    migration = importlib.import_module("notifications.migrations.0002_unread_without_events")
    _notify(world.member, _events(world, 2))
    _notify(world.member, _events(world, 1, Visibility.INTERNAL))
    Notification.objects.update(event_public=False)

    migration.copy_event_visibility(apps, None)

    rows = Notification.objects.values_list("event__visibility", "event_public")
    assert sorted(rows) == [
        (Visibility.INTERNAL, False),
        (Visibility.PUBLIC, True),
        (Visibility.PUBLIC, True),
    ]
