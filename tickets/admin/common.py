"""What the ticket admins share: their stylesheet and the list of attachments."""

from django.urls import reverse
from django.utils.html import format_html_join

ADMIN_CSS = {"all": ["admin_extra/tickets.css"]}


def _attachment_list(attachments):
    return format_html_join(
        "",
        '<a class="ticket-file" href="{}">{}</a> ',
        ((reverse("admin:tickets_attachment_download", args=[a.pk]), a.name) for a in attachments),
    )
