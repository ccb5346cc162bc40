"""A form's results in the admin: the page, its CSV and its PDF, under the form's URLs.

FormAdmin takes ResultsMixin first among its bases: the three views read the same
filters (organisation, period, version) from the query string, so the page's
"Download CSV" and "Download PDF" links carry what the page shows. Staff who may
view forms may read their results; internal-only results are read here only.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from audit.services import record_export

from .. import exports
from ..models import Form
from ..results import FilterForm, Filters, compute


class ResultsMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:form_id>/results/", wrap(self.results_view), name="surveys_form_results"),
            path(
                "<int:form_id>/results/csv/",
                wrap(self.results_csv_view),
                name="surveys_form_results_csv",
            ),
            path(
                "<int:form_id>/results/pdf/",
                wrap(self.results_pdf_view),
                name="surveys_form_results_pdf",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["results_url"] = reverse("admin:surveys_form_results", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _results_form(self, request, form_id) -> tuple[Form, FilterForm]:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = get_object_or_404(Form, pk=form_id)
        return form, FilterForm(request.GET or None, form=form, staff=True)

    def results_view(self, request, form_id):
        form, filters = self._results_form(request, form_id)
        valid = filters.is_bound is False or filters.is_valid()
        chosen = filters.filters() if filters.is_bound and valid else Filters()
        query = request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        return TemplateResponse(
            request,
            "admin/surveys/form/results.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": form,
                "title": _("Results: %(form)s") % {"form": form.tr("title")},
                "filters": filters,
                "results": compute(form, chosen) if valid else None,
                "csv_url": reverse("admin:surveys_form_results_csv", args=[form.pk]) + suffix,
                "pdf_url": reverse("admin:surveys_form_results_pdf", args=[form.pk]) + suffix,
            },
        )

    def _chosen(self, request, form_id):
        form, filters = self._results_form(request, form_id)
        if not filters.is_bound:
            return form, filters, Filters()
        if not filters.is_valid():
            return form, filters, None
        return form, filters, filters.filters()

    def results_csv_view(self, request, form_id):
        form, _filters, chosen = self._chosen(request, form_id)
        if chosen is None:
            return HttpResponseBadRequest(_("These filters are not valid."))
        record_export(request=request, what="surveys results", file_format="csv", target=form)
        return exports.csv_response(form, chosen)

    def results_pdf_view(self, request, form_id):
        form, filters, chosen = self._chosen(request, form_id)
        if chosen is None:
            return HttpResponseBadRequest(_("These filters are not valid."))
        organisation = filters.cleaned_data.get("organisation") if filters.is_bound else None
        version = chosen.version and form.versions.filter(pk=chosen.version).first()
        record_export(request=request, what="surveys results", file_format="pdf", target=form)
        return exports.pdf_response(
            form,
            chosen,
            organisation_names=[organisation.name] if organisation else [],
            version_number=version.number if version else None,
        )
