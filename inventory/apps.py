from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Managed resources")

    def ready(self):
        # The resources a ticket concerns, on its pages and its form.
        from tickets import parts

        from .parts import TicketResources

        parts.add(TicketResources())
