"""CSV import (with a dry run) and export of resources in the admin (inventory.csvio).

The import is two requests: the upload shows the dry run, and "Import" applies it.
Between them the file travels back in a hidden field, signed with the user's id and
the dry run's fingerprint: nothing is kept on the server (no temporary file to clean
up, nothing another worker cannot read), the user need not pick the file again, and a
changed file or a token made for someone else fails the signature. The confirmation
plans the file again, under the data as it is then: if the outcome differs from what
the user saw, the new dry run is shown instead of importing.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.services import record_export

from .. import csvio

SALT = "inventory.csv-import"
MAX_AGE = 60 * 60  # a dry run older than an hour is read again from a new upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8, separated by commas or semicolons, with a header row; "
            "an export of this list is a ready-made example."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > csvio.MAX_BYTES:
            raise forms.ValidationError(str(csvio.too_large()))
        return upload


def _csv_response(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"resources-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ImportExportMixin:
    change_list_template = "admin/inventory/resource/change_list.html"
    actions = ["export_selected"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="inventory_resource_import"),
            path("export/", wrap(self.export_view), name="inventory_resource_export"),
            *super().get_urls(),
        ]

    @admin.action(description=gettext_lazy("Export selected to CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        record_export(request=request, what="inventory.Resource", file_format="csv")
        return _csv_response(csvio.export(queryset))

    def export_view(self, request):
        """The changelist's resources as its filters and search leave them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return redirect("admin:inventory_resource_changelist")
        record_export(request=request, what="inventory.Resource", file_format="csv")
        return _csv_response(csvio.export(queryset))

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if "token" in request.POST:
            return self._confirm(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if form.is_valid():
            result = csvio.plan(form.cleaned_data["file"].read())
            if not result.error:
                return self._dry_run(request, result)
            form.add_error("file", result.error)
        return self._render(request, "upload.html", form=form, title=_("Import from CSV"))

    def _confirm(self, request):
        try:
            payload = signing.loads(request.POST["token"], salt=SALT, max_age=MAX_AGE)
            if payload["user"] != request.user.pk:
                raise signing.BadSignature
        except signing.BadSignature:
            return self._render(
                request,
                "upload.html",
                form=UploadForm(),
                title=_("Import from CSV"),
                error=_("This dry run has expired: upload the file again."),
            )
        result = csvio.plan(payload["text"])
        if result.error or result.fingerprint() != payload["fingerprint"]:
            warning = _("The resources changed since the dry run: check the rows again.")
            return self._dry_run(request, result, warning=warning)
        try:
            summary = csvio.apply(result, by=request.user)
        except csvio.RowFailed as failure:
            warning = _("Nothing was imported: line %(line)s was refused (%(reasons)s).") % {
                "line": failure.line,
                "reasons": "; ".join(failure.messages),
            }
            return self._dry_run(request, csvio.plan(payload["text"]), warning=warning)
        messages.success(
            request,
            _(
                "Import done: %(created)s created, %(changed)s changed, "
                "%(unchanged)s unchanged, %(rejected)s rejected."
            )
            % vars(summary),
        )
        return redirect("admin:inventory_resource_changelist")

    def _dry_run(self, request, result, *, warning=""):
        writes = len(result.to_write)
        token = signing.dumps(
            {"user": request.user.pk, "text": result.text, "fingerprint": result.fingerprint()},
            salt=SALT,
            compress=True,
        )
        if len(token) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 2**16:
            # The confirmation could not carry it back: say so now rather than fail then.
            warning, token = _("This file is too large to import at once: split it."), ""
        return self._render(
            request,
            "dry_run.html",
            title=_("Import from CSV: dry run"),
            plan=result,
            counts={label: result.count(outcome) for outcome, label in csvio.OUTCOMES.items()},
            token=token if writes else "",
            warning=warning,
            button=ngettext("Import %(count)s row", "Import %(count)s rows", writes)
            % {"count": writes},
        )

    def _render(self, request, template, **context):
        return TemplateResponse(
            request,
            f"admin/inventory/resource/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "changelist": reverse("admin:inventory_resource_changelist"),
                **context,
            },
        )
