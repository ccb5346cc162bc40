from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from . import live
        from .signals import ticket_changed

        # Open queues refresh once the change commits (tickets/live.py).
        ticket_changed.connect(live.on_ticket_changed, dispatch_uid="tickets.live")
