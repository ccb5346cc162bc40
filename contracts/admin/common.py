"""What the contracts admins share: their stylesheet and the link to a ticket."""

from django.urls import reverse
from django.utils.html import format_html

ADMIN_CSS = {"all": ["admin_extra/tickets.css"]}


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _ticket_link(ticket):
    return format_html('<a href="{}">{}</a>', _change_url(ticket), ticket.number)
