"""The SLA part of `manage.py demo`: calendars, policies, a contract, and tickets
whose deadlines show every mark. Runs before the tickets so that their clocks
start as they are opened."""

from datetime import date, time, timedelta

from django.utils import timezone

from contracts.models import Contract
from tickets.states import Priority

from . import services
from .models import BusinessCalendar, OrganisationPolicy, SLAPolicy, SLATarget, WorkingHours

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
    """Pretend the ticket was opened `minutes` ago, so its marks show (demo only)."""
    ticket.clocks.all().delete()
    ticket.created_at = timezone.now() - timedelta(minutes=minutes)
    ticket.save(update_fields=["created_at"])
    services.clocks_start(ticket)
