"""Demo part: a webhook, and the notifications of the demo's history.

Runs the fan-out for the demo's events at once, so that the bells show counts
on the first page load; the e-mails go through the worker as usual (the
console backend prints them in `make run`).
"""

from django.db.models import OuterRef, Subquery

from activity.models import Event
from activity.tasks import _dispatch

from .models import Notification, WebhookEndpoint

# Nothing listens there: its deliveries show the retry and failed states in the admin.
DEMO_WEBHOOK = "http://127.0.0.1:9/portal-events"


def load(orgs, users):
    # The assignments that give the agent notifications are in the tickets' own
    # history (tickets/demo.py), dated when the supervisor made them.
    WebhookEndpoint.objects.get_or_create(
        organisation=orgs["northwind-it"],
        url=DEMO_WEBHOOK,
        defaults={"description": "Northwind's monitoring (demo: nothing listens)"},
    )
    pending = list(
        Event.objects.filter(dispatched_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    for pk in pending:
        _dispatch(pk)
    # The history is back-dated (core.demo.dated): each notification arrived when
    # its event happened, not when the demo was loaded.
    Notification.objects.filter(event_id__in=pending).update(
        created_at=Subquery(Event.objects.filter(pk=OuterRef("event_id")).values("created_at"))
    )
