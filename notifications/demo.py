"""Demo part: assignments that give the staff their notifications, a preference, a webhook.

Runs the fan-out for the demo's events at once, so that the bells show counts
on the first page load; the e-mails go through the worker as usual (the
console backend prints them in `make run`).
"""

from activity.models import Event
from activity.tasks import _dispatch
from tickets import services as ticket_services

from .models import Preference, WebhookEndpoint

# Nothing listens there: its deliveries show the retry and failed states in the admin.
DEMO_WEBHOOK = "http://127.0.0.1:9/portal-events"


def load(orgs, users):
    andes = orgs["andes-fibra"]
    agent, supervisor = users["agent@support.example"], users["supervisor@support.example"]
    for subject in ("Speed drops every evening", "Open port 8443 on the managed firewall"):
        ticket = andes.tickets.filter(subject=subject, assignee__isnull=True).first()
        if ticket is not None:
            ticket_services.ticket_assign(ticket=ticket, assignee=agent, by=supervisor)
    # Diego also wants replies by e-mail: the profile's matrix shows a choice.
    Preference.objects.get_or_create(
        user=users["member@andes.example"],
        kind="ticket_replied",
        channel="email",
        defaults={"enabled": True},
    )
    WebhookEndpoint.objects.get_or_create(
        organisation=orgs["northwind-it"],
        url=DEMO_WEBHOOK,
        defaults={"description": "Northwind's monitoring (demo: nothing listens)"},
    )
    for pk in (
        Event.objects.filter(dispatched_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    ):
        _dispatch(pk)
