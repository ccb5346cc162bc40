"""An article's texts, one per language, on its admin page, and each text's versions.

Every save of a text goes through services.save_translation, which keeps the text as
it was saved as a version and counts the revision: the inline's forms are validated
here and never saved by the formset (ArticleAdmin.save_formset calls `save_texts`).
A text saved by someone else since the page was opened is not overwritten silently.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services
from ..models import LANGUAGES, ArticleTranslation, ArticleVersion
from . import diff
from .common import LANGUAGE_LABELS, refusal_goes_to

TEXT_FIELDS = ("title", "summary", "body", "tags")
# Fields of the text form that are not the text: changing only these saves nothing.
NOT_TEXT = {"seen_revision", "note"}
VERSIONS_PAGE = 20


def person(user) -> str:
    if user is None:
        return _("someone no longer here")
    return user.display_name or user.email


class TextForm(forms.ModelForm):
    note = forms.CharField(
        label=gettext_lazy("What changed"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Kept with this version, for whoever reads the history."),
    )
    # The revision the page showed: a text saved since then is not overwritten silently.
    seen_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ArticleTranslation
        fields = ["language", "title", "summary", "body", "tags"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
            "body": forms.Textarea(attrs={"rows": 20, "class": "vLargeTextField kb-body"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A text stays in its language; another language is another text.
            self.fields["language"].disabled = True
            self.fields["seen_revision"].initial = self.instance.revision

    @property
    def language_code(self) -> str:
        return self.instance.language if self.instance.pk else self.cleaned_data["language"]

    def edited(self) -> bool:
        return bool(set(self.changed_data) - NOT_TEXT)

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_revision")
        text = self.instance
        if text.pk and seen is not None and seen != text.revision and self.edited():
            # Shown again with the current revision: saving once more keeps this text
            # as the newest one (theirs stays among the versions).
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_revision")] = text.revision
            raise ValidationError(
                _(
                    "%(who)s saved this text (revision %(revision)s) after you opened the "
                    "page, so yours was not saved. Compare with their version in the "
                    "history; saving again keeps yours as the newest."
                )
                % {"who": person(text.updated_by), "revision": text.revision}
            )
        return cleaned


class TextFormSet(BaseInlineFormSet):
    def __init__(self, *args, instance=None, queryset=None, **kwargs):
        if instance is not None and instance.pk:
            # The original first, then the translations.
            queryset = (
                (queryset if queryset is not None else ArticleTranslation.objects)
                .select_related("updated_by")
                .order_by(
                    Case(
                        When(language=instance.original_language, then=Value(0)),
                        default=Value(1),
                        output_field=IntegerField(),
                    ),
                    "language",
                )
            )
        super().__init__(*args, instance=instance, queryset=queryset, **kwargs)
        texts = list(self.get_queryset())
        original = next((t for t in texts if t.language == self.instance.original_language), None)
        for text in texts:
            text.article = self.instance
            text.original_revision_now = original.revision if original else None
        self.taken = {text.language for text in texts}

    def _offer_free_languages(self, form):
        free = [choice for choice in LANGUAGES if choice[0] not in self.taken]
        form.fields["language"].choices = free
        codes = [code for code, _label in free]
        if codes:
            wanted = self.instance.original_language
            form.fields["language"].initial = wanted if wanted in codes else codes[0]
        return form

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i >= self.initial_form_count():
            self._offer_free_languages(form)
        return form

    @property
    def empty_form(self):
        # The form "Add another text" copies: the languages without a text only.
        return self._offer_free_languages(super().empty_form)


class TextInline(admin.StackedInline):
    model = ArticleTranslation
    form = TextForm
    formset = TextFormSet
    fk_name = "article"
    can_delete = False
    max_num = len(LANGUAGES)
    verbose_name = gettext_lazy("text")
    verbose_name_plural = gettext_lazy("Texts, one per language")
    fields = ["language", "text_state", "title", "summary", "body", "tags", "note", "seen_revision"]
    readonly_fields = ["text_state"]
    classes = ["kb-texts"]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return 1
        return 1 if obj.translations.count() < len(LANGUAGES) else 0

    @admin.display(description=gettext_lazy("revision"))
    def text_state(self, obj):
        if obj is None or not obj.pk:
            return _("New text: its first revision is kept when you save.")
        saved = _("Revision %(revision)s, saved by %(who)s on %(date)s.") % {
            "revision": obj.revision,
            "who": person(obj.updated_by),
            "date": date_format(timezone.localtime(obj.updated_at), "SHORT_DATETIME_FORMAT"),
        }
        original = getattr(obj, "original_revision_now", None)
        stale = ""
        if (
            obj.language != obj.article.original_language
            and original is not None
            and obj.source_revision < original
        ):
            stale = _(
                "Stale: written from revision %(source)s of the original, "
                "which is at revision %(now)s."
            ) % {"source": obj.source_revision, "now": original}
        versions = reverse("admin:knowledge_article_versions", args=[obj.article_id, obj.language])
        return format_html(
            '{} {}<a href="{}">{}</a>',
            saved,
            format_html('<strong class="kb-stale">{}</strong> ', stale) if stale else "",
            versions,
            _("Versions and restore"),
        )


def save_texts(request, article, formset) -> None:
    """The edited texts, each through the service; the original's first, so that the
    translations saved with it count as written from its new revision."""
    edited = [form for form in formset.forms if form.has_changed() and form.edited()]
    edited.sort(key=lambda form: form.language_code != article.original_language)
    new, changed = [], []
    for form in edited:
        data = form.cleaned_data
        was_new = not form.instance.pk
        with refusal_goes_to(None):
            # The revision seen is checked again under the text's lock: a save that
            # landed after this form was validated is not overwritten either.
            text = services.save_translation(
                article=article,
                language=form.language_code,
                title=data["title"],
                summary=data.get("summary", ""),
                body=data["body"],
                tags=data.get("tags", ""),
                user=request.user,
                note=data.get("note", ""),
                expected_revision=data.get("seen_revision") if not was_new else None,
            )
        if was_new:
            new.append(text)
        else:
            changed.append((text, [name for name in form.changed_data if name not in NOT_TEXT]))
    formset.new_objects, formset.changed_objects, formset.deleted_objects = new, changed, []


# --- Versions ---------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    words: str = ""
    lines: list = field(default_factory=list)


@dataclass
class Entry:
    version: ArticleVersion
    previous: ArticleVersion | None
    current: bool
    changes: list[Change]

    @property
    def who(self) -> str:
        return person(self.version.created_by)


def _changes(previous: ArticleVersion | None, version: ArticleVersion) -> list[Change]:
    labels = {name: ArticleTranslation._meta.get_field(name).verbose_name for name in TEXT_FIELDS}
    if previous is None:
        return []
    changes = []
    for name in TEXT_FIELDS:
        old, new = getattr(previous, name), getattr(version, name)
        if old == new:
            continue
        if name == "body":
            changes.append(Change(str(labels[name]), lines=diff.lines(old, new)))
        else:
            changes.append(Change(str(labels[name]), words=diff.words(old, new)))
    return changes


def versions_view(request, object_id, language, *, model_admin):
    article = model_admin.article_for(request, object_id)
    text = get_object_or_404(
        ArticleTranslation.objects.select_related("updated_by"), article=article, language=language
    )
    versions = text.versions.select_related("created_by").order_by("-revision")
    page = Paginator(versions, VERSIONS_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # The version before the page's oldest, to show what that one changed.
    older = versions.filter(revision__lt=rows[-1].revision).first() if rows else None
    entries = [
        Entry(version, previous, version.revision == text.revision, _changes(previous, version))
        for version, previous in zip(rows, [*rows[1:], older], strict=True)
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Versions of “%(title)s” (%(language)s)")
        % {"title": text.title, "language": LANGUAGE_LABELS.get(language, language)},
        "opts": model_admin.opts,
        "original": article,
        "text": text,
        "page": page,
        "entries": entries,
        "may_restore": model_admin.may_write_texts(request, article),
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/knowledge/article/versions.html", context)


def restore_view(request, object_id, version_id, *, model_admin):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = model_admin.article_for(request, object_id)
    if not model_admin.may_write_texts(request, article):
        raise PermissionDenied
    version = get_object_or_404(
        ArticleVersion.objects.select_related("translation"),
        pk=version_id,
        translation__article=article,
    )
    before = version.translation.revision
    text = services.restore_version(version=version, user=request.user)
    if text.revision == before:
        model_admin.message_user(request, _("That version is the current text already."))
    else:
        model_admin.message_user(
            request,
            _("Revision %(old)s restored: it is now revision %(new)s.")
            % {"old": version.revision, "new": text.revision},
            messages.SUCCESS,
        )
    return redirect("admin:knowledge_article_versions", article.pk, text.language)
