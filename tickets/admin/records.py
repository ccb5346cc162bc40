"""Read-only records of tickets: ratings, call requests, attachments (and their download)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, admin_link

from ..models import Attachment, CallRequest, Rating
from .common import _attachment_list

# --- Read-only records ------------------------------------------------------


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class _TicketColumn:
    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, obj):
        return admin_link(obj.ticket, obj.ticket.number)


@admin.register(Rating)
class RatingAdmin(_TicketColumn, ReadOnlyAdmin):
    list_display = ["ticket_link", "score", "comment", "rated_by", "created_at"]
    list_filter = ["score"]
    list_select_related = ["ticket", "rated_by"]
    search_fields = ["ticket__number", "comment"]


@admin.register(CallRequest)
class CallRequestAdmin(_TicketColumn, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "ticket_link",
        "phone",
        "preferred_time",
        "requested_by",
        "done_at",
        "done_by",
    ]
    list_select_related = ["ticket", "requested_by", "done_by"]
    search_fields = ["ticket__number", "phone"]
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(_TicketColumn, ReadOnlyAdmin):
    list_display = [
        "name",
        "ticket_link",
        "content_type",
        "size",
        "is_internal",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["is_internal", "content_type"]
    list_select_related = ["ticket", "uploaded_by"]
    search_fields = ["name", "ticket__number", "sha256"]
    fields = [
        "name",
        "download",
        "ticket_link",
        "content_type",
        "size",
        "sha256",
        "is_internal",
        "uploaded_by",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return _attachment_list([obj])

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=pk)
        try:
            stored = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        # Only the image types we sniffed are shown in the browser; the rest download.
        return FileResponse(
            stored,
            as_attachment=not attachment.is_image,
            filename=attachment.name,
            content_type=attachment.content_type,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="tickets_attachment_download",
            ),
            *super().get_urls(),
        ]
