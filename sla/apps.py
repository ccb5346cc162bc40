from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self):
        from core.demo import after_dated, before_dated
        from tickets import parts
        from tickets.signals import ticket_changed

        from . import demo
        from .parts import Deadlines

        ticket_changed.connect(_move_clocks, dispatch_uid="sla.ticket_changed")
        # The deadlines on the client's and the agents' ticket pages (tickets/parts.py).
        parts.add(Deadlines())
        # The demo's back-dated history: what the sweep would have done meanwhile.
        before_dated.connect(demo.sweep_until, dispatch_uid="sla.before_dated")
        after_dated.connect(demo.date_breaches, dispatch_uid="sla.after_dated")


def _move_clocks(sender, *, ticket, actor, verb, internal, **kwargs):
    from .services import on_ticket_event

    on_ticket_event(ticket, actor=actor, verb=verb, internal=internal)
