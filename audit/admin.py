"""The audit trail for supervisors: search it, read a row, export what the filters leave.

Read-only for everyone, superusers included: no add, change or delete permission
exists here (the model has only `view`), and the table refuses changes anyway.
Readers: superusers and staff with `audit.view_auditentry` (the supervisors'
group, audit/plugin.py); anyone else gets 403 from every URL below.
"""

import csv
import io
import json

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.spreadsheet import text_cell

from .models import Action, AuditEntry
from .services import record

COLUMNS = [
    "at",
    "action",
    "actor",
    "actor_is_staff",
    "ip",
    "user_agent",
    "request_id",
    "organisation",
    "target_type",
    "target_id",
    "target",
    "changes",
    "extra",
]


def _row(entry) -> list[str]:
    return [
        text_cell(value)
        for value in (
            entry.at.isoformat(),
            entry.action,
            entry.actor_label,
            "yes" if entry.actor_is_staff else "no",
            entry.ip or "",
            entry.user_agent,
            entry.request_id,
            entry.organisation.name if entry.organisation_id else "",
            entry.target_type.model if entry.target_type_id else "",
            entry.target_id,
            entry.target_label,
            json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
            json.dumps(entry.extra, ensure_ascii=False, sort_keys=True),
        )
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor_label", "actor_is_staff", "ip", "organisation", "target"]
    list_filter = ["action", "actor_is_staff", "organisation"]
    search_fields = ["actor_label", "ip", "target_label", "=request_id"]
    search_help_text = _("An e-mail address, an IP address, an object's name or a request id.")
    date_hierarchy = "at"
    list_select_related = ["organisation", "target_type"]
    list_per_page = 100
    show_full_result_count = False  # a count of the whole trail on every page: no
    actions = None
    fields = [
        "at",
        "action",
        "actor",
        "actor_label",
        "actor_is_staff",
        "ip",
        "user_agent",
        "request_id",
        "organisation",
        "member_of",
        "target_type",
        "target_id",
        "target_label",
        "changes_display",
        "extra_display",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("object"), ordering="target_label")
    def target(self, entry):
        return entry.target_label

    @admin.display(description=_("changes"))
    def changes_display(self, entry):
        return _pretty(entry.changes)

    @admin.display(description=_("details"))
    def extra_display(self, entry):
        return _pretty(entry.extra)

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="audit_auditentry_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The rows the list's filters, search and dates leave, as CSV; itself recorded."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return redirect("admin:audit_auditentry_changelist")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        count = 0
        for entry in queryset.select_related("organisation", "target_type").iterator(2000):
            writer.writerow(_row(entry))
            count += 1
        record(
            action=Action.EXPORT,
            request=request,
            label=str(AuditEntry._meta.verbose_name_plural),
            extra={
                "what": "audit.AuditEntry",
                "format": "csv",
                "filters": {key: request.GET.getlist(key) for key in request.GET},
                "rows": count,
            },
        )
        # The byte order mark makes spreadsheets read the accents right.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        name = f"audit-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _pretty(value):
    if not value:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2))
