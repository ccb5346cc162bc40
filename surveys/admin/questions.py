"""A version's questions, edited inline on its page, and the rules they keep.

A question is checked alone (options only for choices, a minimum and maximum only
for numbers, a section break is neither answered nor required), then against the
others of the version, in their order: keys are unique, and a condition names an
earlier choice or yes/no question and one of its answers.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.configtext import ALL, LANGS, LANGUAGE_NAMES, column

from ..models import CHOICE_TYPES, Question, QuestionType
from .options import format_options, parse_options

CONDITION_TYPES = (*CHOICE_TYPES, QuestionType.YES_NO)
YES_NO_VALUES = ("yes", "no")


class QuestionForm(forms.ModelForm):
    options_text = forms.CharField(
        label=gettext_lazy("options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy(
            "Single and multiple choice only: one option a line, "
            "value | English | Español | Português | Français "
            "(the value is kept in the answers; a missing language falls back to English)."
        ),
    )

    class Meta:
        model = Question
        fields = [
            "order",
            "key",
            "type",
            "required",
            *[column(name, code) for name in ("label", "help_text") for code in ALL],
            "minimum",
            "maximum",
            "condition_key",
            "condition_value",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("options_text", format_options(self.instance.options))

    def clean_options_text(self):
        return parse_options(self.cleaned_data.get("options_text", ""))

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        options = data.get("options_text") or []
        if kind in CHOICE_TYPES and "options_text" not in self.errors and len(options) < 2:
            self.add_error("options_text", _("A choice question needs at least two options."))
        if kind and kind not in CHOICE_TYPES and options:
            self.add_error(
                "options_text", _("Only single and multiple choice questions have options.")
            )
        self._check_limits(kind, data)
        if kind == QuestionType.SECTION:
            if data.get("required"):
                self.add_error(
                    "required", _("A section break is not answered: it cannot be required.")
                )
            if data.get("condition_key") or data.get("condition_value"):
                self.add_error(
                    "condition_key", _("A section break is always shown: it has no condition.")
                )
        if bool(data.get("condition_key")) != bool(data.get("condition_value")):
            name = "condition_value" if data.get("condition_key") else "condition_key"
            self.add_error(name, _("A condition needs both the question's key and the answer."))
        return data

    def _check_limits(self, kind, data):
        low, high = data.get("minimum"), data.get("maximum")
        if kind != QuestionType.NUMBER:
            for name in ("minimum", "maximum"):
                if data.get(name) is not None:
                    self.add_error(name, _("Only number questions have a minimum and a maximum."))
        elif low is not None and high is not None and low > high:
            self.add_error("maximum", _("The maximum must not be below the minimum."))

    def save(self, commit=True):
        self.instance.options = self.cleaned_data.get("options_text") or []
        return super().save(commit)


class QuestionFormSet(BaseInlineFormSet):
    def clean(self):
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form) and hasattr(form, "cleaned_data")
        ]
        kept.sort(key=lambda pair: (pair[1].cleaned_data.get("order") or 0, pair[0]))
        earlier = {}
        for _index, form in kept:
            data = form.cleaned_data
            key = data.get("key")
            self._check_condition(form, data, earlier)
            if not key:
                continue
            if key in earlier:
                form.add_error(
                    "key",
                    _("Another question of this version has the key “%(key)s”.") % {"key": key},
                )
                continue
            earlier[key] = data
        super().clean()

    def _check_condition(self, form, data, earlier):
        key, value = data.get("condition_key"), data.get("condition_value")
        if not key or not value or data.get("type") == QuestionType.SECTION:
            return
        target = earlier.get(key)
        if target is None:
            form.add_error(
                "condition_key",
                _("No earlier question of this version has the key “%(key)s”.") % {"key": key},
            )
            return
        if target.get("type") not in CONDITION_TYPES:
            form.add_error(
                "condition_key",
                _(
                    "The question “%(key)s” is not a choice or a yes/no question: "
                    "a condition can only follow one of those."
                )
                % {"key": key},
            )
            return
        if target["type"] == QuestionType.YES_NO:
            allowed = YES_NO_VALUES
        else:
            allowed = [option["value"] for option in target.get("options_text") or []]
        if value not in allowed:
            form.add_error(
                "condition_value",
                _("“%(value)s” is not an answer to “%(key)s”; its answers are: %(allowed)s.")
                % {"value": value, "key": key, "allowed": ", ".join(allowed)},
            )


def why_frozen(version) -> str:
    """Why the version's questions cannot change, or "" when they can (kept on it)."""
    if not hasattr(version, "_why_frozen"):
        reason = ""
        if version.responses.exists():
            reason = _(
                "This version has answers: its questions stay as they were answered. "
                "“Edit the questions” on the form makes a new version."
            )
        elif version.form.versions.filter(number__gt=version.number).exists():
            reason = _("A newer version of this form exists: edit that one.")
        version._why_frozen = reason
    return version._why_frozen


def _languages(*fields):
    return [
        (
            LANGUAGE_NAMES[code],
            {"fields": [tuple(column(field, code) for field in fields)], "classes": ["collapse"]},
        )
        for code in LANGS
    ]


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    ordering = ["order", "pk"]
    fieldsets = [
        (None, {"fields": [("order", "key", "type", "required"), ("label", "help_text")]}),
        *_languages("label", "help_text"),
        (
            gettext_lazy("Options, limits and condition"),
            {
                "fields": [
                    "options_text",
                    ("minimum", "maximum"),
                    ("condition_key", "condition_value"),
                ]
            },
        ),
    ]

    # A frozen version's page shows its questions read-only, options included.
    @admin.display(description=gettext_lazy("options"))
    def options_text(self, obj):
        return format_options(obj.options) if obj else ""

    def _editable(self, obj):
        return obj is None or not why_frozen(obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)
