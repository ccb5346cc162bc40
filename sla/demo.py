"""The SLA part of `manage.py demo`: calendars, policies, a contract, and tickets
whose deadlines show every mark. Runs before the tickets so that their clocks
start as they are opened."""

from datetime import date, time, timedelta

from django.utils import timezone

from activity.models import Event
from activity.services import record_event
from contracts.models import Contract
from tickets.states import Priority

from . import services
from .models import (
    BusinessCalendar,
    OrganisationPolicy,
    SLAPolicy,
    SLATarget,
    TicketClock,
    WorkingHours,
)

# priority -> (acknowledgement, first response, resolution) in minutes
PREMIUM = {
    Priority.CRITICAL: (10, 30, 4 * 60),
    Priority.HIGH: (30, 60, 8 * 60),
    Priority.MEDIUM: (60, 4 * 60, 24 * 60),
    Priority.LOW: (4 * 60, 8 * 60, 72 * 60),
}
BUSINESS = {
    Priority.CRITICAL: (30, 60, 8 * 60),
    Priority.HIGH: (60, 2 * 60, 16 * 60),
    Priority.MEDIUM: (2 * 60, 8 * 60, 40 * 60),
    Priority.LOW: (8 * 60, 16 * 60, 80 * 60),
}


def _policy(name, calendar, targets, **extra):
    policy, _ = SLAPolicy.objects.update_or_create(
        name=name, defaults={"calendar": calendar, **extra}
    )
    for priority, (ack, first, resolution) in targets.items():
        SLATarget.objects.update_or_create(
            policy=policy,
            priority=priority,
            defaults={
                "acknowledgement_minutes": ack,
                "first_response_minutes": first,
                "resolution_minutes": resolution,
            },
        )
    return policy


def load_policies(orgs):
    always, _ = BusinessCalendar.objects.update_or_create(
        name="24x7", defaults={"timezone": "UTC", "always_open": True}
    )
    paris, created = BusinessCalendar.objects.update_or_create(
        name="Paris business hours", defaults={"timezone": "Europe/Paris", "country": "FR"}
    )
    if created:
        for weekday in range(5):
            WorkingHours.objects.create(
                calendar=paris, weekday=weekday, start=time(9), end=time(12, 30)
            )
            WorkingHours.objects.create(
                calendar=paris, weekday=weekday, start=time(13, 30), end=time(18)
            )
    premium = _policy("Premium 24x7", always, PREMIUM)
    standard = _policy("Standard business hours", paris, BUSINESS)
    _policy("Standard 24x7", always, BUSINESS, is_global_default=True)
    Contract.objects.update_or_create(
        organisation=orgs["andes-fibra"],
        name="Fibra Empresas 2026",
        defaults={"start_date": date(2026, 1, 1), "end_date": None, "sla_policy": premium},
    )
    OrganisationPolicy.objects.update_or_create(
        organisation=orgs["atelier-reseaux"], defaults={"policy": standard}
    )


def backdate(ticket, minutes: int):
    """Pretend the ticket was opened `minutes` ago, so its marks show (tests only;
    the demo tells its history with core.demo.dated, events and all)."""
    ticket.clocks.all().delete()
    ticket.created_at = timezone.now() - timedelta(minutes=minutes)
    ticket.save(update_fields=["created_at"])
    services.clocks_start(ticket)


# Demo history ----------------------------------------------------------------------
# The demo tells each ticket's story through the services, step by step, each
# step at the moment the story says it happened (core.demo.dated), so the SLA
# clocks move from it and a first response is met when its reply was written.
# What the sweep would have done meanwhile is done here, when a dated step
# begins and ends (connected in sla.apps).


def sweep_until(sender, *, when, subjects, **kwargs):
    """The clocks of the tickets a dated step changes get the sweep's work up to `when`."""
    for ticket in subjects:
        catch_up(ticket, when)


def date_breaches(sender, *, since, when, **kwargs):
    """A breach recorded in the step (a clock met late) happened at its deadline."""
    for event in Event.objects.filter(created_at__gte=since, verb="sla_breached"):
        clock = TicketClock.objects.get(ticket_id=event.target_id, kind=event.data["kind"])
        Event.objects.filter(pk=event.pk).update(created_at=clock.breached_at)


def catch_up(ticket, until):
    """What the minute-by-minute sweep would have done to the ticket's clocks by `until`."""
    for clock in TicketClock.objects.running().filter(ticket=ticket).order_by("kind"):
        for stamp, deadline, verb in (
            ("warned_at", "warn_at", "sla_warning"),
            ("breached_at", "due_at", "sla_breached"),
        ):
            at = getattr(clock, deadline)
            if getattr(clock, stamp) is None and at <= until:
                TicketClock.objects.filter(pk=clock.pk).update(**{stamp: at})
                event = record_event(**services._event_for(ticket, clock, verb))
                Event.objects.filter(pk=event.pk).update(created_at=at)


def catch_up_all(organisations, until):
    from tickets.models import Ticket

    running = TicketClock.objects.running().values("ticket")
    for ticket in Ticket.objects.filter(organisation__in=organisations, pk__in=running):
        catch_up(ticket, until)
