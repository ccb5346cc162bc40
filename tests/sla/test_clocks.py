"""SLA clocks moved by ticket events (sla/services.py) and read by sla/rules.py.

Exact arithmetic goes through `on_ticket_event(..., at=...)` on a 24x7 calendar,
as the ticket services call it; whole journeys go through tickets.services at
the real time, with `travel()` moving a ticket and its clocks into the past.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from activity.models import Event
from sla import rules, services
from sla.models import Kind, OrganisationPolicy, TicketClock
from tests.contracts.factories import ContractFactory
from tests.sla.factories import (
    MON_FRI_9_18,
    clocks_of,
    event,
    make_calendar,
    make_policy,
    open_ticket,
    travel,
    utc,
)
from tickets import services as tickets
from tickets.models import Ticket
from tickets.states import Priority, Status

ACK, FIRST, RESOLUTION = Kind.ACKNOWLEDGEMENT, Kind.FIRST_RESPONSE, Kind.RESOLUTION
T0 = utc(2026, 3, 2, 12)  # a Monday
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
SLACK = timedelta(seconds=30)  # for journeys through the services at the real time


def events(ticket, verb, kind=None) -> list[Event]:
    found = Event.objects.filter(verb=verb, target_id=str(ticket.pk))
    if kind:
        found = found.filter(data__kind=kind)
    return list(found)


def near(moment, expected) -> bool:
    return abs(moment - expected) <= SLACK


@pytest.fixture
def policy(world):
    """24x7, 80 % warning, the organisation's default."""
    policy = make_policy(name="24x7")
    OrganisationPolicy.objects.create(organisation=world.org, policy=policy)
    return policy


@pytest.fixture
def ticket(world, policy):
    """A medium ticket opened at T0: ack 30 min, first response 1 h, resolution 8 h."""
    return open_ticket(world.org, at=T0, requester=world.member)


def live_ticket(world, **fields):
    return tickets.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="The link is down",
        description="No traffic since this morning.",
        **fields,
    )


# -- starting ---------------------------------------------------------------------------


def test_opening_starts_three_clocks_due_at_creation_plus_target(ticket, policy):
    clocks = clocks_of(ticket)

    assert set(clocks) == {ACK, FIRST, RESOLUTION}
    expected = {ACK: 30 * MIN, FIRST: H, RESOLUTION: 8 * H}
    for kind, target in expected.items():
        clock = clocks[kind]
        assert clock.policy == policy
        assert clock.target == target
        assert clock.running_since == T0
        assert clock.due_at == T0 + target
        assert clock.warn_at == T0 + target * 80 / 100
        assert clock.elapsed == timedelta(0)
        assert clock.met_at is clock.breached_at is clock.warned_at is None
    ticket.refresh_from_db()
    assert ticket.sla_due_at == T0 + 30 * MIN
    assert ticket.sla_warn_at == T0 + 24 * MIN


def test_the_ticket_service_starts_the_clocks_at_creation(world, policy):
    ticket = live_ticket(world, priority=Priority.HIGH)
    clocks = clocks_of(ticket)

    assert ticket.priority == Priority.HIGH
    assert clocks[ACK].due_at == ticket.created_at + 15 * MIN
    assert clocks[FIRST].due_at == ticket.created_at + 30 * MIN
    assert clocks[RESOLUTION].due_at == ticket.created_at + 4 * H
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == ticket.created_at + 15 * MIN


def test_warning_minutes_before_the_deadline(world):
    policy = make_policy(name="Warn 10 min before", warning_minutes=10)
    OrganisationPolicy.objects.create(organisation=world.org, policy=policy)
    clocks = clocks_of(open_ticket(world.org, at=T0))

    assert clocks[FIRST].warn_at == T0 + 50 * MIN
    assert clocks[ACK].warn_at == T0 + 20 * MIN


def test_business_hours_deadlines(world):
    calendar = make_calendar(name="Santiago office", tz="America/Santiago", hours=MON_FRI_9_18)
    policy = make_policy(name="Office hours", calendar=calendar)
    OrganisationPolicy.objects.create(organisation=world.org, policy=policy)
    santiago = ZoneInfo("America/Santiago")
    friday = datetime(2026, 6, 5, 17, 30, tzinfo=santiago)

    clocks = clocks_of(open_ticket(world.org, at=friday))

    def wall(clock_time):
        return clock_time.astimezone(santiago).replace(tzinfo=None)

    monday = datetime(2026, 6, 8)
    # 30 min fit before Friday 18:00; the hour needs 30 min on Monday; 8 h: 7.5 on Monday.
    assert wall(clocks[ACK].due_at) == datetime(2026, 6, 5, 18)
    assert wall(clocks[FIRST].due_at) == monday.replace(hour=9, minute=30)
    assert wall(clocks[RESOLUTION].due_at) == monday.replace(hour=16, minute=30)
    # Warned at 80 % of 8 h = 6 h 24 min of business time: Friday's 30 min + 5 h 54 min.
    assert wall(clocks[RESOLUTION].warn_at) == monday.replace(hour=14, minute=54)

    # A pause over the weekend costs nothing: Friday 17:45 to Monday 09:00.
    ticket = clocks[ACK].ticket
    event(
        ticket,
        "ticket_status_changed",
        at=friday + 15 * MIN,
        status=Status.WAITING_ON_CLIENT,
    )
    resumed = event(
        ticket, "ticket_replied", at=friday.replace(day=8, hour=9, minute=0), status=Status.OPEN
    )
    assert resumed[RESOLUTION].elapsed == 15 * MIN
    assert wall(resumed[RESOLUTION].due_at) == monday.replace(hour=16, minute=45)


# -- what meets each clock --------------------------------------------------------------


def test_an_internal_note_acknowledges_but_is_not_a_first_response(world, ticket):
    clocks = event(ticket, "ticket_note_added", at=T0 + 10 * MIN, actor=world.agent, internal=True)

    assert clocks[ACK].met_at == T0 + 10 * MIN
    assert clocks[ACK].elapsed == 10 * MIN
    assert rules.mark(clocks[ACK], T0 + 10 * MIN) == rules.Mark.MET
    assert clocks[FIRST].met_at is None and clocks[FIRST].running_since == T0
    assert clocks[RESOLUTION].met_at is None

    clocks = event(ticket, "ticket_replied", at=T0 + 40 * MIN, actor=world.agent)
    assert clocks[ACK].met_at == T0 + 10 * MIN  # the first action stays the one
    assert clocks[FIRST].met_at == T0 + 40 * MIN
    assert clocks[RESOLUTION].met_at is None


def test_a_public_reply_meets_acknowledgement_and_first_response_together(world, ticket):
    clocks = event(ticket, "ticket_replied", at=T0 + 5 * MIN, actor=world.agent)

    assert clocks[ACK].met_at == clocks[FIRST].met_at == T0 + 5 * MIN
    assert clocks[RESOLUTION].running_since == T0


def test_the_clients_own_messages_meet_nothing(world, ticket):
    clocks = event(ticket, "ticket_replied", at=T0 + 5 * MIN, actor=world.member)
    clocks = event(ticket, "ticket_escalated", at=T0 + 6 * MIN, actor=world.manager)

    assert all(clock.met_at is None for clock in clocks.values())


def test_the_journey_through_the_ticket_services(world, policy):
    """Assignment acknowledges, an internal note is no response, a public reply is."""
    ticket = live_ticket(world)

    tickets.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    clocks = clocks_of(ticket)
    assert clocks[ACK].met_at is not None
    assert clocks[FIRST].met_at is None

    tickets.comment_add(ticket=ticket, author=world.agent, body="Checking the CPE.", internal=True)
    assert clocks_of(ticket)[FIRST].met_at is None
    tickets.comment_add(ticket=ticket, author=world.member, body="Any news?")
    assert clocks_of(ticket)[FIRST].met_at is None

    tickets.comment_add(ticket=ticket, author=world.agent, body="We are on it.")
    clocks = clocks_of(ticket)
    assert clocks[FIRST].met_at is not None
    assert clocks[RESOLUTION].met_at is None
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == clocks[RESOLUTION].due_at

    tickets.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    clocks = clocks_of(ticket)
    assert clocks[RESOLUTION].met_at is not None
    assert {rules.mark(c, timezone.now()) for c in clocks.values()} == {rules.Mark.MET}
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None and ticket.sla_warn_at is None
    assert not events(ticket, "sla_breached")


# -- pausing --------------------------------------------------------------------------


def test_waiting_on_client_pauses_every_running_clock_and_a_reply_resumes(world, ticket):
    clocks = event(
        ticket, "ticket_status_changed", at=T0 + 10 * MIN, status=Status.WAITING_ON_CLIENT
    )
    for clock in clocks.values():
        assert clock.running_since is None
        assert clock.due_at is None and clock.warn_at is None
        assert clock.elapsed == 10 * MIN
        assert rules.mark(clock, T0 + 5 * H) == rules.Mark.PAUSED
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None and ticket.sla_warn_at is None

    # Two hours later the client answers: each clock continues from 10 minutes.
    back = T0 + 2 * H + 10 * MIN
    clocks = event(ticket, "ticket_replied", at=back, actor=world.member, status=Status.OPEN)
    assert clocks[ACK].due_at == back + 20 * MIN
    assert clocks[FIRST].due_at == back + 50 * MIN
    assert clocks[RESOLUTION].due_at == back + 7 * H + 50 * MIN
    assert clocks[FIRST].warn_at == back + 38 * MIN  # 48 min of the hour, 10 used
    ticket.refresh_from_db()
    assert ticket.sla_due_at == back + 20 * MIN


def test_waiting_on_a_third_party_pauses_too_and_met_clocks_stay_met(world, ticket):
    event(ticket, "ticket_replied", at=T0 + 5 * MIN, actor=world.agent)
    clocks = event(
        ticket,
        "ticket_status_changed",
        at=T0 + H,
        actor=world.agent,
        status=Status.WAITING_ON_THIRD_PARTY,
    )
    assert clocks[ACK].met_at == clocks[FIRST].met_at == T0 + 5 * MIN
    assert clocks[RESOLUTION].running_since is None
    assert clocks[RESOLUTION].elapsed == H

    clocks = event(ticket, "ticket_status_changed", at=T0 + 3 * H, status=Status.IN_PROGRESS)
    assert clocks[ACK].running_since is None and clocks[ACK].met_at == T0 + 5 * MIN
    assert clocks[RESOLUTION].due_at == T0 + 3 * H + 7 * H


def test_a_policy_without_pausing_statuses_keeps_running(world):
    policy = make_policy(name="Pure wall time", pausing_statuses=[])
    OrganisationPolicy.objects.create(organisation=world.org, policy=policy)
    ticket = open_ticket(world.org, at=T0)

    clocks = event(ticket, "ticket_status_changed", at=T0 + H, status=Status.WAITING_ON_CLIENT)
    assert clocks[RESOLUTION].running_since == T0
    assert clocks[RESOLUTION].due_at == T0 + 8 * H


def test_a_client_reply_in_the_portal_reopens_the_wait_and_resumes_the_clocks(world, policy):
    ticket = live_ticket(world)
    tickets.comment_add(ticket=ticket, author=world.agent, body="Please restart the router.")
    tickets.ticket_transition(ticket=ticket, to=Status.WAITING_ON_CLIENT, by=world.agent)
    ticket.refresh_from_db()
    travel(ticket, 10 * MIN)  # the agent answered ~10 minutes after opening
    paused = clocks_of(ticket)[RESOLUTION]
    assert paused.running_since is None and paused.elapsed < SLACK
    TicketClock.objects.filter(pk=paused.pk).update(elapsed=10 * MIN)
    travel(ticket, 3 * H)  # the client took three hours to answer

    tickets.comment_add(ticket=ticket, author=world.member, body="Done, still down.")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    resolution = clocks_of(ticket)[RESOLUTION]
    now = timezone.now()
    assert near(resolution.running_since, now)
    assert resolution.elapsed == 10 * MIN  # the three hours waiting on the client do not count
    assert near(resolution.due_at, now + 8 * H - 10 * MIN)
    assert ticket.sla_due_at == resolution.due_at


# -- priority, reopening, merging -----------------------------------------------------


def test_a_priority_change_recomputes_the_targets_from_creation(world, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(priority=Priority.HIGH)
    ticket.priority = Priority.HIGH
    clocks = event(ticket, "ticket_priority_changed", at=T0 + 10 * MIN, actor=world.agent)

    assert clocks[FIRST].target == 30 * MIN
    assert clocks[FIRST].due_at == T0 + 30 * MIN  # not 30 min after the change
    assert clocks[FIRST].warn_at == T0 + 24 * MIN
    assert clocks[RESOLUTION].due_at == T0 + 4 * H
    ticket.refresh_from_db()
    assert ticket.sla_due_at == T0 + 30 * MIN

    Ticket.objects.filter(pk=ticket.pk).update(priority=Priority.LOW)
    ticket.priority = Priority.LOW
    clocks = event(ticket, "ticket_priority_changed", at=T0 + 20 * MIN, actor=world.agent)
    assert clocks[FIRST].due_at == T0 + 4 * H
    assert clocks[RESOLUTION].due_at == T0 + 24 * H


def test_a_priority_change_after_a_pause_counts_only_running_time(world, ticket):
    event(ticket, "ticket_status_changed", at=T0 + H, status=Status.WAITING_ON_CLIENT)
    event(ticket, "ticket_replied", at=T0 + 5 * H, actor=world.member, status=Status.OPEN)
    Ticket.objects.filter(pk=ticket.pk).update(priority=Priority.HIGH)
    ticket.priority = Priority.HIGH
    clocks = event(ticket, "ticket_priority_changed", at=T0 + 6 * H, actor=world.agent)

    # 4 h of resolution: 1 h before the pause, 3 h after it.
    assert clocks[RESOLUTION].due_at == T0 + 5 * H + 3 * H


def test_the_priority_service_moves_the_deadlines(world, policy):
    ticket = live_ticket(world, priority=Priority.LOW)
    created = ticket.created_at

    tickets.ticket_set_priority(ticket=ticket, priority=Priority.CRITICAL, by=world.agent)

    clocks = clocks_of(ticket)
    assert clocks[RESOLUTION].due_at == created + H
    assert clocks[FIRST].due_at == created + 15 * MIN
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == created + 15 * MIN


def test_reopening_resumes_resolution_without_the_time_spent_resolved(world, ticket):
    event(ticket, "ticket_replied", at=T0 + 5 * MIN, actor=world.agent)
    clocks = event(
        ticket, "ticket_resolved", at=T0 + 2 * H, actor=world.agent, status=Status.RESOLVED
    )
    assert clocks[RESOLUTION].met_at == T0 + 2 * H
    assert clocks[RESOLUTION].elapsed == 2 * H

    clocks = event(
        ticket, "ticket_reopened", at=T0 + 26 * H, actor=world.member, status=Status.REOPENED
    )
    resolution = clocks[RESOLUTION]
    assert resolution.met_at is None
    assert resolution.running_since == T0 + 26 * H
    assert resolution.due_at == T0 + 26 * H + 6 * H
    assert rules.mark(resolution, T0 + 27 * H) == rules.Mark.ON_TRACK
    # Acknowledgement and first response were met once and for all.
    assert clocks[FIRST].met_at == T0 + 5 * MIN and clocks[FIRST].running_since is None
    ticket.refresh_from_db()
    assert ticket.sla_due_at == T0 + 32 * H

    clocks = event(
        ticket, "ticket_resolved", at=T0 + 29 * H, actor=world.agent, status=Status.RESOLVED
    )
    assert clocks[RESOLUTION].elapsed == 5 * H
    assert rules.mark(clocks[RESOLUTION], T0 + 40 * H) == rules.Mark.MET
    assert not events(ticket, "sla_breached")


def test_a_client_reply_on_a_resolved_ticket_reopens_it_and_its_clock(world, policy):
    ticket = live_ticket(world)
    tickets.comment_add(ticket=ticket, author=world.agent, body="Fixed, the port was down.")
    tickets.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    ticket.refresh_from_db()
    travel(ticket, 2 * H)  # resolved two hours ago
    used = clocks_of(ticket)[RESOLUTION].elapsed

    tickets.comment_add(ticket=ticket, author=world.member, body="It dropped again.")

    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    resolution = clocks_of(ticket)[RESOLUTION]
    assert resolution.met_at is None
    assert resolution.elapsed == used < SLACK
    assert near(resolution.due_at, timezone.now() + 8 * H)


def test_merging_stops_the_duplicates_clocks(world, policy):
    duplicate, survivor = live_ticket(world), live_ticket(world)
    tickets.comment_add(ticket=duplicate, author=world.agent, body="Looking.")

    tickets.ticket_merge(source=duplicate, target=survivor, by=world.agent)

    clocks = clocks_of(duplicate)
    assert clocks[FIRST].met_at is not None and clocks[FIRST].stopped_at is None
    for kind in (RESOLUTION,):
        assert clocks[kind].stopped_at is not None
        assert clocks[kind].running_since is None and clocks[kind].due_at is None
        assert clocks[kind].met_at is None
    duplicate.refresh_from_db()
    assert duplicate.sla_due_at is None
    # Nothing brings them back, and the sweep never sees them.
    services.on_ticket_event(duplicate, actor=world.agent, verb="ticket_reopened")
    assert clocks_of(duplicate)[RESOLUTION].running_since is None
    assert services.sweep(now=timezone.now() + timedelta(days=30)) == (3, 3)  # survivor's
    assert not events(duplicate, "sla_breached") and not events(duplicate, "sla_warning")
    assert len(events(survivor, "sla_breached")) == 3


# -- breaches -------------------------------------------------------------------------


def test_met_late_records_the_breach_once(world, ticket):
    clocks = event(ticket, "ticket_replied", at=T0 + 2 * H, actor=world.agent)

    for kind in (ACK, FIRST):
        assert clocks[kind].breached_at == clocks[kind].due_at
        assert len(events(ticket, "sla_breached", kind)) == 1
        assert rules.mark(clocks[kind], T0 + 3 * H) == rules.Mark.BREACHED
    assert services.sweep(now=T0 + 3 * H) == (0, 0)
    event(ticket, "ticket_replied", at=T0 + 4 * H, actor=world.agent)
    assert len(events(ticket, "sla_breached", FIRST)) == 1
    assert not events(ticket, "sla_breached", RESOLUTION)


def test_breached_by_the_sweep_then_met_is_one_breach(world, ticket):
    assert services.sweep(now=T0 + 90 * MIN) == (2, 2)  # ack and first response

    clocks = event(ticket, "ticket_replied", at=T0 + 2 * H, actor=world.agent)

    assert len(events(ticket, "sla_breached", FIRST)) == 1
    # First seen already past its deadline: the breach alone (see test_sweep).
    assert len(events(ticket, "sla_warning", FIRST)) == 0
    assert clocks[FIRST].breached_at == T0 + 90 * MIN
    assert rules.mark(clocks[FIRST], T0 + 3 * H) == rules.Mark.BREACHED


def test_met_just_in_time_is_no_breach(world, ticket):
    clocks = event(ticket, "ticket_replied", at=T0 + H, actor=world.agent)

    assert clocks[FIRST].breached_at is None
    assert rules.mark(clocks[FIRST], T0 + 5 * H) == rules.Mark.MET
    assert not events(ticket, "sla_breached", FIRST)
    # The acknowledgement came with the reply, after its 30 minutes.
    assert rules.mark(clocks[ACK], T0 + 5 * H) == rules.Mark.BREACHED
    assert len(events(ticket, "sla_breached", ACK)) == 1


def test_a_deadline_missed_before_a_pause_is_a_breach(world, ticket):
    """The sweep runs once a minute (or is down): a ticket paused after its deadline
    but before the sweep saw it has still missed it, and resolving it while paused
    must not turn that into a met target."""
    event(ticket, "ticket_note_added", at=T0 + 5 * MIN, actor=world.agent, internal=True)
    late = T0 + H + 30 * MIN  # first response was due at T0 + 1 h
    clocks = event(
        ticket, "ticket_status_changed", at=late, actor=world.agent, status=Status.WAITING_ON_CLIENT
    )
    assert clocks[FIRST].running_since is None
    assert clocks[FIRST].breached_at == T0 + H
    assert rules.mark(clocks[FIRST], late) == rules.Mark.BREACHED

    assert services.sweep(now=late + H) == (0, 0)
    clocks = event(
        ticket, "ticket_resolved", at=late + 2 * H, actor=world.agent, status=Status.RESOLVED
    )
    assert rules.mark(clocks[FIRST], late + 3 * H) == rules.Mark.BREACHED
    assert rules.mark(clocks[RESOLUTION], late + 3 * H) == rules.Mark.MET
    assert len(events(ticket, "sla_breached", FIRST)) == 1
    assert not events(ticket, "sla_breached", RESOLUTION)
    assert not events(ticket, "sla_breached", ACK)


def test_a_deadline_missed_before_a_pause_is_not_breached_again_on_resume(world, ticket):
    event(ticket, "ticket_status_changed", at=T0 + 2 * H, status=Status.WAITING_ON_CLIENT)
    clocks = event(ticket, "ticket_replied", at=T0 + 3 * H, actor=world.member, status=Status.OPEN)
    assert clocks[FIRST].due_at == T0 + 3 * H  # nothing left: due on resuming

    services.sweep(now=T0 + 4 * H)
    assert len(events(ticket, "sla_breached", FIRST)) == 1
    assert len(events(ticket, "sla_breached", ACK)) == 1
    assert clocks_of(ticket)[FIRST].breached_at == T0 + H


# -- which policy -----------------------------------------------------------------------


def test_no_policy_anywhere_means_no_clocks(world):
    ticket = live_ticket(world)

    assert not TicketClock.objects.filter(ticket=ticket).exists()
    assert ticket.sla_due_at is None
    tickets.comment_add(ticket=ticket, author=world.agent, body="Hello.")
    assert not TicketClock.objects.filter(ticket=ticket).exists()


def test_policy_fallback_contract_then_organisation_then_global(world):
    global_default = make_policy(name="Global", is_global_default=True)
    assert services.policy_for(world.org) == global_default

    organisation_default = make_policy(name="Andes default")
    OrganisationPolicy.objects.create(organisation=world.org, policy=organisation_default)
    assert services.policy_for(world.org) == organisation_default
    assert services.policy_for(world.other_org) == global_default

    today = timezone.localdate()
    contract_policy = make_policy(name="Gold contract")
    # Contracts that do not apply: ended, not started, without a policy, another client's.
    for start, end, policy, organisation in [
        (today - timedelta(days=400), today - timedelta(days=1), contract_policy, world.org),
        (today + timedelta(days=1), None, contract_policy, world.org),
        (today - timedelta(days=10), None, None, world.org),
        (today - timedelta(days=10), None, contract_policy, world.other_org),
    ]:
        ContractFactory(
            no_bank=True,
            organisation=organisation,
            name="Contract",
            start_date=start,
            end_date=end,
            sla_policy=policy,
        )
    assert services.policy_for(world.org) == organisation_default
    assert services.policy_for(world.other_org) == contract_policy

    ContractFactory(
        no_bank=True,
        organisation=world.org,
        name="Gold",
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=30),
        sla_policy=contract_policy,
    )
    assert services.policy_for(world.org) == contract_policy
    ticket = live_ticket(world)
    assert {clock.policy for clock in clocks_of(ticket).values()} == {contract_policy}


def test_the_most_recent_active_contract_wins(world):
    older, newer = make_policy(name="Older"), make_policy(name="Newer")
    today = timezone.localdate()
    ContractFactory(
        no_bank=True,
        organisation=world.org,
        name="A",
        start_date=date(2020, 1, 1),
        sla_policy=older,
    )
    ContractFactory(
        no_bank=True,
        organisation=world.org,
        name="B",
        start_date=today,
        end_date=today,
        sla_policy=newer,
    )
    assert services.policy_for(world.org) == newer


def test_a_policy_without_a_target_for_the_priority_starts_no_clocks(world):
    policy = make_policy(name="Critical only", targets={Priority.CRITICAL: (5, 15, 60)})
    OrganisationPolicy.objects.create(organisation=world.org, policy=policy)

    assert not clocks_of(open_ticket(world.org, at=T0, priority=Priority.LOW))
    assert len(clocks_of(open_ticket(world.org, at=T0, priority=Priority.CRITICAL))) == 3


def test_a_ticket_opened_waiting_starts_paused(world, policy):
    ticket = open_ticket(world.org, at=T0, status=Status.WAITING_ON_THIRD_PARTY)

    assert all(clock.running_since is None for clock in clocks_of(ticket).values())
    assert ticket.sla_due_at is None
    clocks = event(ticket, "ticket_status_changed", at=T0 + H, status=Status.OPEN)
    assert clocks[FIRST].due_at == T0 + 2 * H


# -- the ticket's nearest deadline and the marks --------------------------------------


def test_the_ticket_holds_its_nearest_running_deadline(world, ticket):
    event(ticket, "ticket_note_added", at=T0 + 5 * MIN, actor=world.agent, internal=True)
    ticket.refresh_from_db()
    assert (ticket.sla_due_at, ticket.sla_warn_at) == (T0 + H, T0 + 48 * MIN)

    event(ticket, "ticket_replied", at=T0 + 10 * MIN, actor=world.agent)
    ticket.refresh_from_db()
    assert (ticket.sla_due_at, ticket.sla_warn_at) == (T0 + 8 * H, T0 + 6 * H + 24 * MIN)

    event(ticket, "ticket_status_changed", at=T0 + H, status=Status.WAITING_ON_CLIENT)
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None and ticket.sla_warn_at is None

    event(ticket, "ticket_replied", at=T0 + 2 * H, actor=world.member, status=Status.OPEN)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == T0 + 9 * H

    event(ticket, "ticket_resolved", at=T0 + 3 * H, actor=world.agent, status=Status.RESOLVED)
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None and ticket.sla_warn_at is None


def test_marks(world, ticket):
    clocks = clocks_of(ticket)
    first = clocks[FIRST]  # warn T0 + 48 min, due T0 + 1 h

    assert rules.mark(first, T0) == rules.Mark.ON_TRACK
    assert rules.mark(first, T0 + 47 * MIN) == rules.Mark.ON_TRACK
    assert rules.mark(first, T0 + 48 * MIN) == rules.Mark.AT_RISK
    assert rules.mark(first, T0 + H) == rules.Mark.BREACHED
    assert rules.mark(first, T0 + 2 * H) == rules.Mark.BREACHED

    calendar = services.calendar_for(first.policy)
    assert rules.remaining(first, T0 + 20 * MIN, calendar) == 40 * MIN
    assert rules.remaining(first, T0 + 80 * MIN, calendar) == -20 * MIN

    clocks = event(
        ticket, "ticket_status_changed", at=T0 + 50 * MIN, status=Status.WAITING_ON_CLIENT
    )
    assert rules.mark(clocks[FIRST], T0 + 5 * H) == rules.Mark.PAUSED
    assert rules.remaining(clocks[FIRST], T0 + 5 * H, calendar) == 10 * MIN

    clocks = event(ticket, "ticket_replied", at=T0 + 6 * H, actor=world.agent, status=Status.OPEN)
    assert rules.mark(clocks[FIRST], T0 + 7 * H) == rules.Mark.MET
    assert rules.remaining(clocks[FIRST], T0 + 7 * H, calendar) is None
    assert rules.mark(clocks[ACK], T0 + 7 * H) == rules.Mark.BREACHED  # met late
    assert rules.mark(clocks[RESOLUTION], T0 + 7 * H) == rules.Mark.ON_TRACK


def test_a_breach_stays_a_breach_when_the_clock_pauses(world, ticket):
    services.sweep(now=T0 + 2 * H)
    clocks = event(ticket, "ticket_status_changed", at=T0 + 3 * H, status=Status.WAITING_ON_CLIENT)

    assert rules.mark(clocks[FIRST], T0 + 4 * H) == rules.Mark.BREACHED
    assert rules.mark(clocks[RESOLUTION], T0 + 4 * H) == rules.Mark.PAUSED
