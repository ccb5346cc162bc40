from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self):
        from tickets.signals import ticket_changed

        ticket_changed.connect(_move_clocks, dispatch_uid="sla.ticket_changed")


def _move_clocks(sender, *, ticket, actor, verb, internal, **kwargs):
    from .services import on_ticket_event

    on_ticket_event(ticket, actor=actor, verb=verb, internal=internal)
