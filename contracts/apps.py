from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from tickets import parts

        from .admin.ticket_time import TicketTime

        # The time spent on the agents' ticket page (tickets/parts.py).
        parts.add(TicketTime())
