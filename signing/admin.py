"""Staff prepare, send, follow and correct documents to sign.

A draft is an ordinary admin form (the PDF uploaded or composed from a
template, the signers inline). Once sent, nothing on it is edited: staff act
through the buttons above the form (send, approve, cancel, send a new version),
each a small form that calls its service. The versions and the audit trail are
read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.configtext import LANGS, column
from core.admin import ReadOnlyAdminMixin, change_url
from core.uploads import file_response

from . import services
from .compose import FIELDS
from .models import Document, DocumentEvent, DocumentTemplate, DocumentVersion, Signer
from .states import DocumentStatus, Source


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "is_active"]
    search_fields = ["name", "title"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        (gettext_lazy("English"), {"fields": ["title", "body"]}),
        *[
            (str(code).upper(), {"fields": [column("title", code), column("body", code)]})
            for code in LANGS
        ],
    ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["template_fields"] = ["{{ " + name + " }}" for name in FIELDS]
        return super().render_change_form(request, context, *args, **kwargs)


class SignerInline(admin.TabularInline):
    model = Signer
    fields = ["order", "user", "status", "signed_at"]
    readonly_fields = ["status", "signed_at"]
    autocomplete_fields = ["user"]
    extra = 1

    def get_queryset(self, request):
        # The signers of the current version (or, on a draft, those not yet sent).
        return super().get_queryset(request).filter(version__void_at__isnull=True)

    def _editable(self, obj):
        return obj is None or obj.status == DocumentStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


def _short(value: str, length: int = 12) -> str:
    # A hash's first characters tell rows apart; the whole value is in the title.
    if not value:
        return "-"
    return format_html('<span title="{}">{}…</span>', value, value[:length])


class VersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DocumentVersion
    fields = ["number", "name", "pages", "short_sha256", "created_at", "void_at", "void_reason"]
    readonly_fields = fields
    extra = 0

    @admin.display(description="SHA-256")
    def short_sha256(self, obj):
        return _short(obj.sha256)


class TrailInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DocumentEvent
    fields = ["at", "kind", "actor", "ip", "browser", "short_detail", "short_hash"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = gettext_lazy("Audit trail")

    @admin.display(description=gettext_lazy("browser"))
    def browser(self, obj):
        return Truncator(obj.user_agent).chars(40) if obj.user_agent else "-"

    @admin.display(description=gettext_lazy("detail"))
    def short_detail(self, obj):
        if len(obj.detail) == 64:  # a hash: the consent's, the sealed file's
            return _short(obj.detail)
        return Truncator(obj.detail).chars(80) or "-"

    @admin.display(description=gettext_lazy("chained hash"))
    def short_hash(self, obj):
        return _short(obj.hash)


class DocumentForm(forms.ModelForm):
    pdf = forms.FileField(
        label=gettext_lazy("PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=gettext_lazy(
            "For an uploaded document. Leave empty to compose from the template."
        ),
    )

    class Meta:
        model = Document
        fields = [
            "organisation",
            "title",
            "language",
            "message",
            "ticket",
            "wish",
            "source",
            "template",
            "pdf",
            "in_order",
            "approver",
            "due_at",
            "expires_at",
        ]

    def clean(self):
        data = super().clean()
        if data.get("source") == Source.UPLOAD and not data.get("pdf") and not self.instance.pk:
            self.add_error("pdf", _("Upload the PDF to sign, or compose it from a template."))
        if data.get("source") == Source.TEMPLATE and not data.get("template"):
            self.add_error("template", _("Choose the template to compose the document from."))
        organisation = data.get("organisation")
        for name in ("ticket", "wish"):
            linked = data.get(name)
            if linked is not None and organisation and linked.organisation_id != organisation.pk:
                self.add_error(name, _("It belongs to another organisation."))
        return data


class ActionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ResendForm(ActionForm):
    pdf = forms.FileField(
        label=gettext_lazy("New PDF"),
        required=False,
        help_text=gettext_lazy("Empty: the same file again (or composed again from its template)."),
    )
    due_at = forms.SplitDateTimeField(
        label=gettext_lazy("New due date"),
        required=False,
        widget=admin.widgets.AdminSplitDateTime,
    )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    list_display = ["number", "title", "organisation", "status", "due_at", "sent_at", "finished_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["number", "title", "organisation__name", "signers__user__email"]
    autocomplete_fields = ["organisation", "ticket", "wish"]
    date_hierarchy = "created_at"
    inlines = [SignerInline, VersionInline, TrailInline]
    readonly_fields = [
        "number",
        "status",
        "sent_at",
        "finished_at",
        "cancel_reason",
        "sealed_sha256",
    ]

    def get_fields(self, request, obj=None):
        fields = list(DocumentForm.Meta.fields)
        if obj is not None:
            if obj.status != DocumentStatus.DRAFT:
                fields.remove("pdf")  # its versions are listed below
            fields = [
                "number",
                "status",
                *fields,
                "sent_at",
                "finished_at",
                "sealed_sha256",
                "trail_check",
            ]
            if obj.cancel_reason:
                fields.append("cancel_reason")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != DocumentStatus.DRAFT:
            return [*self.get_fields(request, obj), "trail_check"]
        if obj is not None:
            # Its PDF may name the organisation: another one would read it.
            return [*self.readonly_fields, "organisation", "trail_check"]
        return self.readonly_fields

    @admin.display(description=gettext_lazy("audit trail intact"), boolean=True)
    def trail_check(self, obj):
        return services.trail_intact(obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "approver" in form.base_fields:
            form.base_fields["approver"].queryset = form.base_fields["approver"].queryset.filter(
                is_active=True
            )
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        upload = data.get("pdf")
        if change:
            with transaction.atomic():
                current = Document.objects.select_for_update().get(pk=obj.pk)
                if current.status != DocumentStatus.DRAFT:
                    # Sent meanwhile (by a colleague, or this page was old): a stale copy
                    # must not overwrite it.
                    raise ValidationError(_("This document was sent meanwhile: nothing was saved."))
                fields = [name for name in form.changed_data if name != "pdf"]
                if fields:
                    obj.save(update_fields=fields)
            if upload:
                services.version_replace(
                    document=obj, data=upload.read(), name=upload.name, by=request.user
                )
            return
        created = services.document_create(
            organisation=obj.organisation,
            title=obj.title,
            language=obj.language,
            by=request.user,
            due_at=obj.due_at,
            expires_at=obj.expires_at,
            signers=[],
            pdf=upload.read() if upload and obj.source == Source.UPLOAD else None,
            pdf_name=upload.name if upload else "",
            template=obj.template if obj.source == Source.TEMPLATE else None,
            in_order=obj.in_order,
            approver=obj.approver,
            message=obj.message,
            ticket=obj.ticket,
            wish=obj.wish,
        )
        # The admin goes on with this instance (the inlines, the redirect).
        obj.pk = created.pk
        obj.number = created.number
        obj._state.adding = False
        obj._state.db = "default"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        document = form.instance
        changed = not change or form.changed_data or any(f.has_changed() for f in formsets)
        if (
            changed
            and document.status == DocumentStatus.DRAFT
            and document.source == Source.TEMPLATE
        ):
            # Composed once the signers are saved: the document names them, and its
            # title, ticket and language may have changed.
            services.version_replace(document=document, data=None, name="", by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Signer:
            for signer in formset.save(commit=False):
                signer.document = form.instance
                if not form.instance.in_order:
                    signer.order = 1
                signer.save()
            for gone in formset.deleted_objects:
                gone.delete()
            return
        super().save_formset(request, form, formset, change)

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
            context["document_actions"] = self._actions_for(request, obj)
            context["current_version"] = obj.current_version
            if obj.status != DocumentStatus.DRAFT:
                # Nothing to save on a sent document: staff act through the buttons.
                context.update(
                    show_save=False,
                    show_save_and_continue=False,
                    show_save_and_add_another=False,
                    show_delete_link=False,
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _actions_for(self, request, obj) -> list[str]:
        if not self.has_change_permission(request, obj):
            return []
        actions = []
        if obj.status == DocumentStatus.DRAFT:
            actions.append("send")
        if obj.status == DocumentStatus.APPROVAL and obj.approver_id == request.user.pk:
            actions.append("approve")
        if obj.status in (DocumentStatus.SENT, DocumentStatus.DECLINED, DocumentStatus.EXPIRED):
            actions.append("resend")
        if obj.status in (DocumentStatus.DRAFT, DocumentStatus.APPROVAL, DocumentStatus.SENT):
            actions.append("cancel")
        return actions

    # --- The actions ---

    def _document(self, request, object_id) -> Document:
        document = self.get_object(request, unquote(object_id))
        if document is None:
            raise Http404
        if not self.has_change_permission(request, document):
            raise PermissionDenied
        return document

    def _done(self, request, document, text):
        self.message_user(request, text, messages.SUCCESS)
        return redirect(change_url(document))

    def send_view(self, request, object_id):
        document = self._document(request, object_id)
        if request.method != "POST":
            return redirect(change_url(document))
        try:
            document = services.document_send(document=document, by=request.user)
        except ValidationError as refused:
            for message in refused.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect(change_url(document))
        if document.status == DocumentStatus.APPROVAL:
            return self._done(
                request, document, _("Sent to %(name)s for approval.") % {"name": document.approver}
            )
        return self._done(request, document, _("Sent: the signers are told."))

    def approve_view(self, request, object_id):
        document = self._document(request, object_id)
        if request.method != "POST":
            return redirect(change_url(document))
        try:
            services.document_approve(document=document, by=request.user)
        except ValidationError as refused:
            for message in refused.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect(change_url(document))
        return self._done(request, document, _("Approved and sent: the signers are told."))

    def _reason_view(self, request, object_id, *, form_class, title, button, act, done):
        document = self._document(request, object_id)
        form = form_class(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                act(document, form.cleaned_data)
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                return self._done(request, document, done)
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"number": document.number},
            "opts": self.opts,
            "document": document,
            "form": form,
            "button": button,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/signing/document/action.html", context)

    def cancel_view(self, request, object_id):
        return self._reason_view(
            request,
            object_id,
            form_class=ActionForm,
            title=_("Cancel %(number)s"),
            button=_("Cancel the document"),
            act=lambda document, data: services.document_cancel(
                document=document, by=request.user, reason=data["reason"]
            ),
            done=_("Cancelled: the signers are told why."),
        )

    def resend_view(self, request, object_id):
        def act(document, data):
            upload = data.get("pdf")
            services.document_resend(
                document=document,
                by=request.user,
                reason=data["reason"],
                pdf=upload.read() if upload else None,
                pdf_name=upload.name if upload else "",
                due_at=data.get("due_at"),
            )

        return self._reason_view(
            request,
            object_id,
            form_class=ResendForm,
            title=_("Send a new version of %(number)s"),
            button=_("Void the current version and send the new one"),
            act=act,
            done=_("The new version is sent; the earlier one is void and kept."),
        )

    def version_view(self, request, object_id, number):
        document = self.get_object(request, unquote(object_id))
        if document is None or not self.has_view_permission(request, document):
            raise Http404
        version = get_object_or_404(document.versions, number=number)
        version.content_type = "application/pdf"
        return file_response(version)

    def sealed_view(self, request, object_id):
        document = self.get_object(request, unquote(object_id))
        if document is None or not self.has_view_permission(request, document):
            raise Http404
        if not document.sealed_file:
            raise Http404

        class Stored:
            file = document.sealed_file
            name = f"{document.number}-signed.pdf"
            content_type = "application/pdf"

        return file_response(Stored)

    def get_urls(self):
        wrap = self.admin_site.admin_view

        def route(suffix, view, name):
            return path(f"<path:object_id>/{suffix}", wrap(view), name=f"signing_document_{name}")

        return [
            route("send/", self.send_view, "send"),
            route("approve/", self.approve_view, "approve"),
            route("cancel/", self.cancel_view, "cancel"),
            route("resend/", self.resend_view, "resend"),
            route("signed.pdf", self.sealed_view, "sealed"),
            path(
                "<path:object_id>/v<int:number>.pdf",
                wrap(self.version_view),
                name="signing_document_version",
            ),
            *super().get_urls(),
        ]
