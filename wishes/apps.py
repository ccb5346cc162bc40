from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "wishes"
    verbose_name = _("Wishes")

    def ready(self):
        # The agents' ticket page names the wish a ticket was opened from.
        from tickets import parts

        from .admin.ticket_part import WishOrigin

        parts.add(WishOrigin())
