from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CannedConfig(AppConfig):
    name = "canned"
    verbose_name = _("Canned replies")

    def ready(self):
        # The picker above the agents' reply box and the signature after each reply.
        from tickets import parts

        from .parts import CannedPart

        parts.add(CannedPart())
