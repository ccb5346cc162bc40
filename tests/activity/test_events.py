from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership
from activity import tasks
from activity.describe import describe
from activity.models import Event, Visibility
from activity.services import record_event

CALLS = []


def recording_handler(event):
    CALLS.append(event.pk)


def failing_handler(event):
    raise RuntimeError("downstream is down")


@pytest.fixture
def membership(world):
    return Membership.objects.get(user=world.member)


def _record(world, membership, **extra):
    return record_event(
        organisation=world.org,
        actor=world.manager,
        verb="member_role_changed",
        target=membership,
        data={"member": "Diego", "role": "member"},
        **extra,
    )


def test_event_is_handed_off_only_after_commit(
    world, membership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        event = _record(world, membership)
    assert len(callbacks) == 1
    assert event.target == membership
    assert event.target_type.model == "membership"


def test_rolled_back_change_leaves_no_event_and_no_hand_off(
    world, membership, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _record(world, membership)
        raise RuntimeError("the change failed")
    assert not Event.objects.exists()
    assert callbacks == []


def test_unknown_verb_is_a_programming_error(world, membership):
    with pytest.raises(ValueError, match="Unknown event verb"):
        record_event(organisation=world.org, actor=None, verb="made_up", target=membership)


def test_dispatch_runs_handlers_once_and_marks_the_event(world, membership, settings):
    settings.EVENT_HANDLERS = ["tests.activity.test_events.recording_handler"]
    CALLS.clear()
    event = _record(world, membership)
    tasks.dispatch_event(event.pk)
    tasks.dispatch_event(event.pk)  # a duplicate delivery of the same message
    assert [event.pk] == CALLS
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_failing_handler_leaves_the_event_for_a_retry(world, membership, settings):
    settings.EVENT_HANDLERS = ["tests.activity.test_events.failing_handler"]
    event = _record(world, membership)
    with pytest.raises(Retry, match="downstream is down"):
        tasks.dispatch_event.apply(args=[event.pk], throw=True)
    event.refresh_from_db()
    assert event.dispatched_at is None


def test_outbox_sweep_requeues_only_stale_undispatched_events(world, membership, settings):
    stale = _record(world, membership)
    Event.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    _record(world, membership)  # fresh: its own hand-off is still under way
    done = _record(world, membership)
    Event.objects.filter(pk=done.pk).update(
        created_at=timezone.now() - timedelta(minutes=5), dispatched_at=timezone.now()
    )
    sent = []
    original = tasks.dispatch_event.delay
    tasks.dispatch_event.delay = sent.append
    try:
        assert tasks.outbox_sweep() == 1
    finally:
        tasks.dispatch_event.delay = original
    assert sent == [stale.pk]


def test_dashboard_shows_public_events_of_the_active_organisation_only(client, world, membership):
    _record(world, membership)
    record_event(
        organisation=world.org,
        actor=world.agent,
        verb="member_deactivated",
        target=membership,
        visibility=Visibility.INTERNAL,
        data={"member": "SECRET-INTERNAL", "role": "member"},
    )
    other = Membership.objects.get(user=world.outsider)
    record_event(
        organisation=world.other_org,
        actor=world.outsider,
        verb="member_joined",
        target=other,
        data={"member": "SOMEONE-ELSE", "role": "manager"},
    )
    client.force_login(world.member)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "Camila made Diego a member" in body
    assert "SECRET-INTERNAL" not in body
    assert "SOMEONE-ELSE" not in body


def test_dashboard_empty_state(client, world):
    client.force_login(world.member)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "Nothing has happened yet." in body


def test_dashboard_query_count_does_not_grow_with_events(
    client, world, membership, django_assert_max_num_queries
):
    client.force_login(world.member)
    for _ in range(3):
        _record(world, membership)
    # The shell, the ticket, activity, wishes, help, documents, expiring resources and
    # surveys waiting panels: one query more per new panel.
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("portal:dashboard"))
    for _ in range(30):
        _record(world, membership)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:dashboard"))


def test_describe_survives_missing_data(world, membership):
    event = _record(world, membership)
    event.data = {}
    # No KeyError: the sentence loses its missing parts but still says what happened.
    with translation.override("en"):
        assert describe(event) == "Camila made … a …"


def test_events_are_read_only_in_admin(client, world, membership):
    event = _record(world, membership)
    client.force_login(world.supervisor)
    assert client.get(reverse("admin:activity_event_changelist")).status_code == 200
    assert client.get(reverse("admin:activity_event_change", args=[event.pk])).status_code == 200
    assert client.post(reverse("admin:activity_event_delete", args=[event.pk])).status_code == 403


def test_batch_is_written_at_once_and_handed_off_in_one_message(
    world, membership, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from activity.services import record_events

    settings.EVENT_HANDLERS = ["tests.activity.test_events.recording_handler"]
    CALLS.clear()
    items = [
        {
            "organisation": world.org,
            "actor": None,
            "verb": "member_joined",
            "target": membership,
            "data": {"member": f"M{i}", "role": "member"},
        }
        for i in range(5)
    ]
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(1):
        events = record_events(items)
    assert len(callbacks) == 1
    ids = [event.pk for event in events]
    tasks.dispatch_events(ids)
    tasks.dispatch_events(ids)  # delivered twice: handlers still run once per event
    assert sorted(CALLS) == sorted(ids)
    assert not Event.objects.filter(pk__in=ids, dispatched_at__isnull=True).exists()


def test_batch_refuses_unknown_verbs(world):
    from activity.services import record_events

    with pytest.raises(ValueError, match="Unknown event verb"):
        record_events([{"organisation": world.org, "verb": "nope"}])
    assert not Event.objects.exists()


def test_an_unassignment_reads_nobody_in_each_readers_language(world):
    from tickets import services as ticket_services

    ticket = ticket_services.ticket_open(
        organisation=world.org, requester=world.member, subject="VPN", description="Down"
    )
    ticket_services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    ticket_services.ticket_assign(ticket=ticket, assignee=None, by=world.supervisor)
    event = Event.objects.filter(verb="ticket_assigned").latest("pk")
    assert event.data["assignee"] == ""  # stored as data, not as one language's word
    with translation.override("en"):
        assert describe(event).endswith(f"assigned {ticket.number} to nobody")
    with translation.override("es"):
        assert describe(event).endswith("nadie")
