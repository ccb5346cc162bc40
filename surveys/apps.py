from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys and forms")

    def ready(self):
        # A closed ticket's follow-up survey is sent in the closing's own transaction.
        from tickets.signals import ticket_changed

        from .handlers import on_ticket_changed

        ticket_changed.connect(on_ticket_changed, dispatch_uid="surveys.ticket_closed")
