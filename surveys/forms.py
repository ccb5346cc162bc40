"""The form a client answers, built from a version's questions.

Each question is a field named after its key. A question whose condition is not
met (the answer to an earlier one is not its value) is not asked: it is neither
required nor kept. Values are stored JSON-friendly: text, a list of option values,
numbers, ISO dates, true/false.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.configtext import fallback_order

from .models import QuestionType

PREFIX = "q_"
TEXT_MAX = {QuestionType.SHORT_TEXT: 300, QuestionType.LONG_TEXT: 5000}


def option_label(option: dict, language: str | None = None) -> str:
    for code in fallback_order(language or get_language()):
        if option.get(code):
            return option[code]
    return str(option.get("value", ""))


def _choices(question):
    return [(o["value"], option_label(o)) for o in question.options if o.get("value")]


def _field(question) -> forms.Field:
    kind = question.type
    common = {
        "label": question.tr("label"),
        "help_text": question.tr("help_text"),
        "required": False,  # checked in clean(), once conditions are known
    }
    if kind in TEXT_MAX:
        widget = forms.Textarea(attrs={"rows": 5}) if kind == QuestionType.LONG_TEXT else None
        return forms.CharField(max_length=TEXT_MAX[kind], widget=widget, **common)
    if kind == QuestionType.SINGLE:
        return forms.ChoiceField(choices=_choices(question), widget=forms.RadioSelect, **common)
    if kind == QuestionType.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=_choices(question), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind in (QuestionType.RATING, QuestionType.NPS):
        low, high = (1, 5) if kind == QuestionType.RATING else (0, 10)
        return forms.TypedChoiceField(
            choices=[(n, str(n)) for n in range(low, high + 1)],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "scale"}),
            **common,
        )
    if kind == QuestionType.YES_NO:
        return forms.TypedChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            **common,
        )
    if kind == QuestionType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == QuestionType.NUMBER:
        validators = []
        if question.minimum is not None:
            validators.append(MinValueValidator(question.minimum))
        if question.maximum is not None:
            validators.append(MaxValueValidator(question.maximum))
        return forms.DecimalField(max_digits=18, decimal_places=4, validators=validators, **common)
    if kind == QuestionType.EMAIL:
        return forms.EmailField(**common)
    if kind == QuestionType.FILE:
        return forms.FileField(**common)
    raise ValueError(kind)


def _stored(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class AnswerForm(forms.Form):
    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if q.type != QuestionType.SECTION]
        self.sections = questions
        for question in self.questions:
            self.fields[PREFIX + question.key] = _field(question)

    def _shown(self, question, answers) -> bool:
        if not question.condition_key:
            return True
        given = answers.get(question.condition_key)
        if isinstance(given, list):
            return question.condition_value in given
        if isinstance(given, bool):
            return question.condition_value == ("yes" if given else "no")
        return given is not None and str(given) == question.condition_value

    def clean(self):
        cleaned = super().clean()
        answers = {}
        for question in self.questions:
            name = PREFIX + question.key
            if name in self.errors:
                continue
            value = cleaned.get(name)
            if not self._shown(question, answers):
                continue
            empty = value in (None, "", [])
            if empty and question.required:
                self.add_error(name, ValidationError(_("This field is required."), "required"))
                continue
            if not empty:
                answers[question.key] = (
                    value if question.type == QuestionType.FILE else _stored(value)
                )
        self.answers = answers
        return cleaned

    def rows(self):
        """(question, bound field) in order, with the section breaks, for the template."""
        for question in self.sections:
            if question.type == QuestionType.SECTION:
                yield question, None
            else:
                yield question, self[PREFIX + question.key]


def draft_values(questions, data) -> dict:
    """What was typed so far, unchecked, as a draft keeps it (no files)."""
    kept = {}
    for question in questions:
        name = PREFIX + question.key
        if question.type in (QuestionType.SECTION, QuestionType.FILE):
            continue
        # PostgreSQL's JSON refuses a NUL character: a draft never holds one.
        if question.type == QuestionType.MULTIPLE:
            values = [v.replace("\x00", "")[:100] for v in data.getlist(name)][:50]
            if values:
                kept[question.key] = values
        elif data.get(name):
            kept[question.key] = data.get(name).replace("\x00", "")[:5000]
    return kept


def initial_from(answers: dict) -> dict:
    return {
        PREFIX + key: ("yes" if v is True else "no" if v is False else v)
        for key, v in answers.items()
    }


def readable(questions, answers: dict, *, language=None) -> list[tuple[str, str]]:
    """(question, answer as words) of what was answered, in the reader's language."""
    from django.utils.dateparse import parse_date
    from django.utils.formats import date_format, number_format

    rows = []
    for question in questions:
        if question.type == QuestionType.SECTION or question.key not in answers:
            continue
        value = answers[question.key]
        labels = {o.get("value"): option_label(o, language) for o in question.options}
        if question.type == QuestionType.MULTIPLE:
            text = ", ".join(labels.get(v, v) for v in value)
        elif question.type == QuestionType.SINGLE:
            text = labels.get(value, value)
        elif question.type == QuestionType.YES_NO:
            text = str(_("Yes") if value else _("No"))
        elif question.type == QuestionType.DATE:
            day = parse_date(str(value))
            text = date_format(day, "DATE_FORMAT") if day else str(value)
        elif question.type == QuestionType.FILE:
            text = value.get("name", "") if isinstance(value, dict) else str(value)
        elif question.type == QuestionType.NUMBER and isinstance(value, int | float):
            text = number_format(value)
        else:
            text = str(value)
        rows.append((question.tr("label", language), text))
    return rows
