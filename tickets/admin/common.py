"""What the ticket admins share: their stylesheet and their links."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join

ADMIN_CSS = {"all": ["admin_extra/tickets.css"]}


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _ticket_link(ticket):
    return format_html('<a href="{}">{}</a>', _change_url(ticket), ticket.number)


def _attachment_list(attachments):
    return format_html_join(
        "",
        '<a class="ticket-file" href="{}">{}</a> ',
        ((reverse("admin:tickets_attachment_download", args=[a.pk]), a.name) for a in attachments),
    )
