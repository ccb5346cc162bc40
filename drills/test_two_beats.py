"""Drill 4: two beat processes for an hour of simulated time.

Two threads play two `celery beat` processes: at each simulated minute both run,
at the same moment (a barrier), every task of the beat schedule
(core.plugins.beat_jobs(), every app's BEAT list) whose interval falls on that
minute, each thread with its own PostgreSQL connection. The clock the services
read (django.utils.timezone.now, as core.demo.dated sets it) is the simulated
one; it advances a minute at a time from now to an hour later.

What falls due in that hour: recurring tickets, SLA deadlines (warnings and
breaches), resolved tickets whose quiet period ends (auto-close), signature
reminders before and after a due date and a document expiring, and resources
whose 30-day, 7-day and expired warnings are due. Each must happen once:
counted per key (template, clock and kind, ticket, signer and reminder,
document, resource and threshold).
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from activity.models import Event
from core import plugins
from drills.conftest import record
from inventory.models import Kind as ResourceKind
from signing.models import Document, Signer
from sla.models import OrganisationPolicy, TicketClock
from tests.inventory.factories import make_resource
from tests.signing.factories import sent
from tests.sla.factories import make_policy
from tests.sla.factories import open_ticket as sla_ticket
from tests.tickets.factories import RecurringTicketFactory, TicketFactory
from tickets.models import RecurringTicket, Ticket

MINUTES = 60
RECURRING = 10
SLA_TICKETS = 20
AUTO_CLOSE = 10
DOCUMENTS = 2


def _due(job, minute: int, at) -> bool:
    schedule = job.schedule
    if isinstance(schedule, int | float):
        return (minute * 60) % int(schedule) == 0
    # A crontab: its minutes and hours sets.
    return at.minute in schedule.minute and at.hour in schedule.hour


@pytest.fixture
def start():
    return timezone.now().replace(second=0, microsecond=0)


@pytest.fixture
def due_in_the_hour(world, start, settings):
    """Something of every kind falls due during the simulated hour."""
    settings.SIGNING_REMIND_BEFORE_HOURS = 48
    return make_due(world, start, timedelta(minutes=1))


def make_due(world, start, step):
    """Something of every kind due between `start` and `start` + 55 `step`s.

    The SLA clocks sit on a grid of 3 minutes from `start` - 90 s, so none falls
    due within 90 s of `start`: each is decided the same way by any sweep near it.
    """
    for n in range(RECURRING):
        template = RecurringTicketFactory(organisation=world.org, requester=world.member)
        RecurringTicket.objects.filter(pk=template.pk).update(
            next_run_at=start + step * (6 * n + 1)
        )
    OrganisationPolicy.objects.create(organisation=world.org, policy=make_policy(name="24x7"))
    # Medium priority: acknowledgement 30 min, first response 60 min.
    for n in range(SLA_TICKETS):
        sla_ticket(
            world.org,
            at=start - timedelta(minutes=3 * n, seconds=90),
            requester=world.member,
        )
    days = 7  # the default quiet period
    for n in range(AUTO_CLOSE):
        TicketFactory(
            organisation=world.org,
            requester=world.member,
            resolved=True,
            resolved_at=start - timedelta(days=days) + step * (5 * n + 2),
        )
    documents = []
    for n in range(DOCUMENTS):
        document = sent(world, in_order=False, title=f"Drill agreement {n}")
        Document.objects.filter(pk=document.pk).update(
            due_at=start + step * 25, expires_at=start + step * 45
        )
        Signer.objects.filter(document=document).update(asked_at=start - timedelta(hours=2))
        documents.append(document)
    today = timezone.localdate(start)
    resources = [
        make_resource(
            world.org,
            ResourceKind.SSL_CERTIFICATE,
            details={
                "common_name": f"r{n}.andes.test",
                "expires_on": str(today + timedelta(days=d)),
            },
        )
        for n, d in enumerate((30, 5, -1))
    ]
    return documents, resources


def _run_two_beats(start, jobs):
    """Both beats at every simulated minute; return what each run raised."""
    clock = {"now": start}
    errors = []
    barrier = threading.Barrier(2)

    def beat(name):
        try:
            for minute in range(MINUTES + 1):
                barrier.wait()
                at = clock["now"]
                for job in jobs:
                    if _due(job, minute, at):
                        import_string(job.task)()
                barrier.wait()
                if name == "beat-1":
                    clock["now"] = start + timedelta(minutes=minute + 1)
        except Exception as exc:
            errors.append((name, repr(exc)))
            barrier.abort()
        finally:
            close_old_connections()

    real_now = timezone.now
    timezone.now = lambda: clock["now"]
    try:
        threads = [threading.Thread(target=beat, args=(f"beat-{n}",)) for n in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    finally:
        timezone.now = real_now
    return errors


def count_effects(world, first_event, start, end, resources):
    """Each kind of scheduled effect: due, done, lost and duplicated, per its key."""
    events = Event.objects.filter(pk__gt=first_event)

    def count(verbs, key):
        return Counter(key(e) for e in events.filter(verb__in=verbs))

    kinds = {
        "recurring_tickets": (
            Counter(
                Ticket.objects.filter(
                    subject__in=RecurringTicket.objects.values("subject")
                ).values_list("subject", flat=True)
            ),
            RECURRING,
        ),
        "sla_events": (
            count(
                ["sla_warning", "sla_breached"],
                lambda e: (e.target_id, e.data.get("kind"), e.verb),
            ),
            None,
        ),
        "auto_closes": (count(["ticket_auto_closed"], lambda e: e.data.get("number")), AUTO_CLOSE),
        "signing_reminders": (
            count(
                ["document_reminder"],
                lambda e: (e.target_id, e.data.get("user_id"), e.data.get("overdue")),
            ),
            DOCUMENTS * 2 * 2,  # two signers, a reminder before and one after the due date
        ),
        "document_expiries": (count(["document_expired"], lambda e: e.target_id), DOCUMENTS),
        "resource_expiry_events": (
            count(
                ["resource_expires_soon", "resource_expired"],
                lambda e: (e.target_id, e.verb, e.data.get("days")),
            ),
            len(resources),
        ),
    }
    # The SLA's due: every clock whose warning or deadline passed by `end`.
    sla_due = 0
    for clock in TicketClock.objects.filter(ticket__organisation=world.org):
        if clock.due_at and clock.due_at <= end:
            sla_due += 1  # its breach
        if clock.warn_at and clock.warn_at <= end:
            # Warned by the first sweep at or after warn_at, unless the deadline had
            # passed by then too: a clock already breached when swept is not warned.
            swept = max(clock.warn_at, start)
            sla_due += clock.due_at is None or clock.due_at > swept
    figures = {}
    lost_total = duplicated_total = 0
    for name, (counter, expected) in kinds.items():
        expected = sla_due if expected is None else expected
        duplicated = sum(n - 1 for n in counter.values() if n > 1)
        lost = max(expected - len(counter), 0)
        figures[name] = {
            "due": expected,
            "done": len(counter),
            "lost": lost,
            "duplicated": duplicated,
        }
        lost_total += lost
        duplicated_total += duplicated
    return figures, lost_total, duplicated_total


def test_two_beats_for_an_hour_do_everything_once(
    transactional_db, world, start, due_in_the_hour, drill_clock
):
    _documents, resources = due_in_the_hour
    first_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    jobs = list(plugins.beat_jobs().values())

    errors = _run_two_beats(start, jobs)

    figures, lost_total, duplicated_total = count_effects(
        world, first_event, start, start + timedelta(minutes=MINUTES), resources
    )
    figures.update(simulated_minutes=MINUTES, beats=2, errors=errors)
    figures.update(lost=lost_total, duplicated=duplicated_total, seconds=drill_clock())
    figures = record("two_beats", **figures)
    assert not errors, figures
    assert lost_total == 0, figures
    assert duplicated_total == 0, figures
