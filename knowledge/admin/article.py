"""ArticleAdmin: the list of articles, the article page where staff settle where it
sits, who reads it and when, write its texts (texts.py), upload its files
(attachments.py) and publish it; and the pages around it: each text's versions,
the preview as an organisation, the report, the links for a ticket's reply.

Texts are saved by services.save_translation and publishing is services.publish
(which announces a live article once), both in the admin's one transaction: a
refusal undoes the whole submission and comes back as a form error.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.admin_forms import MultipleFileField

from .. import services
from ..models import Article, ArticleAttachment, ArticleTranslation, Category, Status, Visibility
from . import attachments, preview, report, texts, ticket_links
from .changelist import ArticleListMixin
from .common import ADMIN_CSS, TEXT_HEADS, Refused, refusal_goes_to

UPLOAD = "upload"
REMOVE = "remove_files"
PUBLISHING = "_knowledge_publishing"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.parent_id:
            return f"{obj.parent.tr('name')} \u203a {obj.tr('name')}"
        return obj.tr("name")


class ArticleForm(forms.ModelForm):
    upload = MultipleFileField(
        label=gettext_lazy("Upload files"),
        help_text=gettext_lazy(
            "Images to show in the text, or files to link from it. A file with the name "
            "of one already here replaces it."
        ),
    )
    remove_files = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Remove files"),
        queryset=ArticleAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Article
        fields = [
            "category",
            "original_language",
            "status",
            "publish_at",
            "visibility",
            "organisations",
            "service_kind",
            "related",
            "request_types",
        ]

    # Set by ArticleAdmin.get_form when a service refused this very submission:
    # (field name or None, ValidationError).
    refusal = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if REMOVE in self.fields:
            self.fields[REMOVE].queryset = (
                self.instance.attachments.all()
                if self.instance.pk
                else ArticleAttachment.objects.none()
            )
        if "related" in self.fields and self.instance.pk:
            field = self.fields["related"]
            field.queryset = field.queryset.exclude(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("visibility") == Visibility.ORGANISATIONS
            and not cleaned.get("organisations")
            and not cleaned.get("service_kind")
        ):
            self.add_error(
                "organisations",
                _(
                    "Name the organisations that read it, or a service kind, or choose "
                    "another visibility."
                ),
            )
        if self.refusal:
            field, error = self.refusal
            self.add_error(field if field in self.fields else None, error)
        return cleaned


@admin.register(Article)
class ArticleAdmin(ArticleListMixin, admin.ModelAdmin):
    form = ArticleForm
    inlines = [texts.TextInline]
    change_form_template = "admin/knowledge/article/change_form.html"
    change_list_template = "admin/knowledge/article/change_list.html"
    view_on_site = False
    autocomplete_fields = ["related"]
    filter_horizontal = ["organisations", "request_types"]
    readonly_fields = ["announced", "readers", "files"]

    class Media:
        css = ADMIN_CSS

    # --- Who may do what ---

    def may_write_texts(self, request, article=None) -> bool:
        return self.has_change_permission(request, article) and request.user.has_perm(
            "knowledge.change_articletranslation"
        )

    def article_for(self, request, object_id):
        """The article of a page around it, if the user may read it."""
        article = self.get_object(request, unquote(str(object_id)))
        if article is None:
            raise Http404
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    # --- The article page ---

    def _file_fields(self, request, obj) -> list[str]:
        """The file fields this user may use on this page (the form declares them all)."""
        fields = []
        if self.has_change_permission(request, obj) or (
            obj is None and self.has_add_permission(request)
        ):
            if request.user.has_perm("knowledge.add_articleattachment"):
                fields.append(UPLOAD)
            if (
                obj is not None
                and request.user.has_perm("knowledge.delete_articleattachment")
                and self._has_files(obj)
            ):
                fields.append(REMOVE)
        return fields

    @staticmethod
    def _has_files(obj) -> bool:
        # Asked by the fieldsets and the form of the same page: read once.
        if not hasattr(obj, "_has_files"):
            obj._has_files = obj.attachments.exists()
        return obj._has_files

    def get_fieldsets(self, request, obj=None):
        files = ["files"] if obj is not None else []
        files += self._file_fields(request, obj)
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        ("category", "original_language"),
                        ("status", "publish_at"),
                        *(["announced", "readers"] if obj is not None else []),
                    ]
                },
            ),
            (
                _("Who reads it"),
                {"fields": ["visibility", "organisations", "service_kind"]},
            ),
            (
                _("Around it"),
                {
                    "fields": ["related", "request_types"],
                    "description": _(
                        "Related articles are listed below it; the request types show it "
                        "first to clients opening a ticket of that type."
                    ),
                },
            ),
        ]
        if files:
            fieldsets.append((_("Files"), {"fields": files, "classes": ["kb-files-set"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        allowed = self._file_fields(request, obj)
        for name in (UPLOAD, REMOVE):
            if name not in allowed:
                form.base_fields.pop(name, None)
        form.refusal = getattr(request, "_knowledge_refusal", None)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            return CategoryChoiceField(
                queryset=Category.objects.select_related("parent").order_by(
                    Coalesce("parent__order", "order"),
                    Coalesce("parent__name", "name"),
                    Coalesce("parent_id", "id"),
                    "parent_id",
                    "order",
                ),
                label=capfirst(db_field.verbose_name),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related":
            # Their names are their titles: read with the choices, not one by one.
            kwargs["queryset"] = Article.objects.prefetch_related(
                Prefetch("translations", queryset=ArticleTranslation.objects.only(*TEXT_HEADS))
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("announced"))
    def announced(self, obj):
        if obj.announced_at:
            return _("Its readers heard of it on %(date)s.") % {
                "date": date_format(timezone.localtime(obj.announced_at), "DATETIME_FORMAT")
            }
        return _("Not yet: its readers hear of it once, when it goes live.")

    @admin.display(description=gettext_lazy("readers"))
    def readers(self, obj):
        return _("%(views)s views; %(yes)s found it helpful, %(no)s did not.") % {
            "views": obj.views,
            "yes": getattr(obj, "yes_count", 0),
            "no": getattr(obj, "no_count", 0),
        }

    @admin.display(description=gettext_lazy("files"))
    def files(self, obj):
        return attachments.files_table(obj)

    # --- Saving: texts and publishing through the services ---

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # The admin's transaction has rolled back: nothing of this submission was
            # saved. The same submission is validated again with the service's reason
            # as a form error, so staff see why and keep what they wrote.
            request._knowledge_refusal = (refused.field, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        publishing = obj.status == Status.PUBLISHED and (
            not change or {"status", "publish_at"} & set(form.changed_data)
        )
        if publishing:
            # Published by services.publish once its texts are saved (save_related).
            obj.status = form.initial.get("status", Status.DRAFT) if change else Status.DRAFT
        setattr(request, PUBLISHING, publishing)
        if change and form.changed_data:
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        if change and "original_language" in form.changed_data:
            # Before the texts of this submission are saved, so that they count as
            # written from the new original.
            services.original_language_changed(obj)

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, texts.TextFormSet):
            texts.save_texts(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article, data = form.instance, form.cleaned_data
        if data.get(REMOVE):
            attachments.remove(article=article, attachments=data[REMOVE])
        if data.get(UPLOAD):
            attachments.attach(article=article, uploads=data[UPLOAD], user=request.user)
        if getattr(request, PUBLISHING, False):
            # The texts were just saved: what the page read of them is out of date.
            article._prefetched_objects_cache = {}
            when = data["publish_at"]
            with refusal_goes_to("status"):
                services.publish(
                    article=article, user=request.user, when=when if when > timezone.now() else None
                )
        else:
            # Archived, back to draft, rescheduled or meant for other readers: the
            # announcement follows (told to new readers, taken back from former ones).
            services.announce(article, actor=request.user)

    # --- The pages around it ---

    def get_urls(self):
        def view(function, name, route):
            wrapped = self.admin_site.admin_view(partial(function, model_admin=self))
            return path(route, wrapped, name=name)

        return [
            view(report.report_view, "knowledge_report", "report/"),
            view(ticket_links.links_view, "knowledge_article_links", "links/<int:ticket_id>/"),
            view(preview.preview_view, "knowledge_article_preview", "<path:object_id>/preview/"),
            view(
                texts.versions_view,
                "knowledge_article_versions",
                "<path:object_id>/texts/<str:language>/versions/",
            ),
            view(
                texts.restore_view,
                "knowledge_article_restore",
                "<path:object_id>/versions/<int:version_id>/restore/",
            ),
            view(
                attachments.attachment_view,
                "knowledge_article_attachment",
                "<path:object_id>/attachments/<int:attachment_id>/",
            ),
            *super().get_urls(),
        ]
