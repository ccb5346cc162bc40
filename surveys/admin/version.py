"""A form's versions: the questions of each, and the preview a client would see.

Versions are made by "Edit the questions" on the form (services.version_for_editing),
never here. A version with answers, or one a newer version replaced, is read-only:
its answers read against the questions they answered.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.configtext import ALL, LANGUAGE_NAMES
from core.admin import admin_link

from ..forms import AnswerForm
from ..models import Form, FormVersion
from .questions import QuestionInline, why_frozen


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "question_count", "response_count", "created_at"]
    list_filter = ["form"]
    list_select_related = ["form"]
    fields = ["form_link", "number", "created_at", "created_by", "state"]
    readonly_fields = fields
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_total=Count("questions", distinct=True),
                response_total=Count("responses", distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("questions"), ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    @admin.display(description=gettext_lazy("responses"), ordering="response_total")
    def response_count(self, obj):
        return obj.response_total

    @admin.display(description=gettext_lazy("form"))
    def form_link(self, obj):
        return admin_link(obj.form)

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj):
        return why_frozen(obj) or _("Being edited: nobody has answered it yet.")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The version row has nothing editable; only its questions are saved.
        pass

    def save_related(self, request, form, formsets, change):
        version = form.instance
        # Lock as version_for_editing does, so an answer arriving meanwhile is seen.
        Form.objects.select_for_update().get(pk=version.form_id)
        if hasattr(version, "_why_frozen"):
            del version._why_frozen
        if why_frozen(version):
            raise ValidationError(why_frozen(version))
        super().save_related(request, form, formsets, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:
            # The admin's transaction rolled back: nothing was saved.
            for message in refused.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["frozen_reason"] = why_frozen(obj)
            context["preview_url"] = reverse("admin:surveys_formversion_preview", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="surveys_formversion_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        if request.method != "GET":
            return redirect(reverse("admin:surveys_formversion_preview", args=[object_id]))
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise Http404
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        language = request.GET.get("lang")
        if language not in ALL:
            language = (translation.get_language() or "en").split("-")[0]
            language = language if language in ALL else "en"
        questions = list(version.questions.all())
        # Labels and options are read when the form is built: in the chosen language.
        with translation.override(language):
            form = AnswerForm(questions=questions)
            rows = list(form.rows())
        context = {
            "version": version,
            "form_obj": version.form,
            "form": form,
            "rows": rows,
            "language": language,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in ALL],
            "change_url": reverse("admin:surveys_formversion_change", args=[version.pk]),
        }
        return render(request, "admin/surveys/formversion/preview.html", context)
