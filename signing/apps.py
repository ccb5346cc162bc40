from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("Documents to sign")

    def ready(self):
        from tickets import parts

        from . import checks  # noqa: F401  (registers the seal's deploy check)
        from .parts import TicketDocuments

        parts.add(TicketDocuments())
