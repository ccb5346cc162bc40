from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Network diagnostics")

    def ready(self):
        # The ticket's measurements on the client's ticket page.
        from tickets import parts

        from .admin import TicketMeasurementsPanel
        from .parts import TicketMeasurements

        parts.add(TicketMeasurements())
        parts.add(TicketMeasurementsPanel())
