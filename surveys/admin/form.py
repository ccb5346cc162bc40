"""A form's settings and texts, its versions, and the way into its questions.

"Edit the questions" asks services.version_for_editing for the version staff may
change (the current one while unanswered, else a new copy) and opens it, so an
answered version is never edited.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.configtext import ALL, LANGS, column
from accounts.configtext_admin import TranslatedAdminMixin, language_fieldsets

from .. import services
from ..models import Form, FormKind, FormVersion, Response
from .results import ResultsMixin


class FormForm(forms.ModelForm):
    class Meta:
        model = Form
        fields = [
            "kind",
            "anonymous",
            "shared_with_client",
            "send_on_wish_done",
            *[column(name, code) for name in ("title", "intro") for code in ALL],
        ]

    def clean(self):
        data = super().clean()
        if data.get("anonymous") and data.get("kind") == FormKind.DATA:
            self.add_error(
                "anonymous",
                _("Only surveys can be anonymous: a data form's answers name the client."),
            )
        was_anonymous = self.instance.pk and Form.objects.get(pk=self.instance.pk).anonymous
        answered = Response.objects.filter(version__form_id=self.instance.pk).exists()
        if was_anonymous and not data.get("anonymous") and answered:
            # People answered on the promise their names would not show.
            self.add_error(
                "anonymous",
                _("People answered this form anonymously: it stays anonymous."),
            )
        return data


@admin.register(Form)
class FormAdmin(ResultsMixin, TranslatedAdminMixin, admin.ModelAdmin):
    form = FormForm
    list_display = [
        "shown_title",
        "kind",
        "anonymous",
        "shared_with_client",
        "current",
        "missing_languages",
    ]
    list_filter = ["kind", "anonymous", "shared_with_client"]
    search_fields = ["title", *[f"title_{code}" for code in LANGS]]
    readonly_fields = ["missing_languages", "version_table"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    ("anonymous", "shared_with_client", "send_on_wish_done"),
                    "missing_languages",
                ]
            },
        ),
        *language_fieldsets("title", "intro"),
        (gettext_lazy("Versions"), {"fields": ["version_table"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(version_total=Count("versions"))

    @admin.display(description=gettext_lazy("title"), ordering="title")
    def shown_title(self, obj):
        return obj.tr("title")

    @admin.display(description=gettext_lazy("versions"), ordering="version_total")
    def current(self, obj):
        return obj.version_total

    @admin.display(description=gettext_lazy("versions"))
    def version_table(self, obj):
        if obj is None or not obj.pk:
            return "—"
        versions = FormVersion.objects.filter(form=obj).annotate(
            question_total=Count("questions", distinct=True),
            response_total=Count("responses", distinct=True),
        )
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
            '<td><a href="{}">{}</a></td></tr>',
            (
                (
                    reverse("admin:surveys_formversion_change", args=[version.pk]),
                    version.number,
                    version.question_total,
                    version.response_total,
                    _("frozen: it has answers") if version.response_total else _("editable"),
                    reverse("admin:surveys_formversion_preview", args=[version.pk]),
                    _("Preview"),
                )
                for version in versions
            ),
        )
        if not rows:
            return _("No version yet: “Edit the questions” makes the first.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("version"),
            _("questions"),
            _("responses"),
            _("state"),
            rows,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            version = services.current_version(obj)
            if version is not None:
                context["preview_url"] = reverse(
                    "admin:surveys_formversion_preview", args=[version.pk]
                )
            if self._may_edit_questions(request):
                context["edit_url"] = reverse("admin:surveys_form_edit_questions", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _may_edit_questions(self, request) -> bool:
        return request.user.has_perms(
            ["surveys.change_form", "surveys.add_formversion", "surveys.change_formversion"]
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/edit-questions/",
                self.admin_site.admin_view(self.edit_questions_view),
                name="surveys_form_edit_questions",
            ),
            *super().get_urls(),
        ]

    def edit_questions_view(self, request, object_id):
        form = self.get_object(request, unquote(object_id))
        if form is None:
            raise Http404
        if not self._may_edit_questions(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect(reverse("admin:surveys_form_change", args=[form.pk]))
        before = services.current_version(form)
        version = services.version_for_editing(form=form, by=request.user)
        if before is not None and version.pk != before.pk:
            self.message_user(
                request,
                _(
                    "Version %(old)s has answers and stays as it was: your changes go to "
                    "version %(new)s, a copy of it."
                )
                % {"old": before.number, "new": version.number},
                messages.WARNING,
            )
        return redirect(reverse("admin:surveys_formversion_change", args=[version.pk]))
