"""What every app's admin shares: read-only admins and links between admin pages."""

from django.urls import reverse
from django.utils.html import format_html


class ReadOnlyAdminMixin:
    """Records that only services or workers write: staff look, and change nothing here.

    For a ModelAdmin or an inline alike (an inline's permission checks also get `obj`).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def change_url(obj) -> str:
    """The admin page of any saved model instance."""
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def admin_link(obj, text=None):
    """A link to `obj`'s admin page, reading `text` (the object itself by default), escaped."""
    return format_html('<a href="{}">{}</a>', change_url(obj), obj if text is None else text)
