from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, admin_link

from .models import InboundMail


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What became of each inbound e-mail: written by mailin.services only."""

    list_display = ("received_at", "sender", "subject", "outcome", "reason", "ticket_link")
    list_filter = ("outcome", "reason", "source")
    search_fields = ("sender", "subject", "key", "ticket__number")
    date_hierarchy = "received_at"
    list_select_related = ("ticket",)
    fields = (
        "received_at",
        "source",
        "sender",
        "subject",
        "key",
        "outcome",
        "reason",
        "detail",
        "bounce_sent",
        "ticket_link",
        "user",
        "comment",
        "refused_files",
    )
    readonly_fields = fields

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, obj):
        return admin_link(obj.ticket, obj.ticket.number) if obj.ticket else "—"
