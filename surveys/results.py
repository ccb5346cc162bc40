"""A form's results: response rate and each question's figures, counted by PostgreSQL.

Only submitted responses count. PostgreSQL adds up the answers (`jsonb_each` over the
chosen responses, grouped by key and value) and picks the latest text answers of each
question, in two queries whatever their number: the results page and the PDF cost the
same few queries, and little Python, for ten responses or ten thousand. An answer is
counted as a Python pass over the JSON would count it (`QuestionResult.add` reads the
values PostgreSQL cannot judge alone: a rating given as 4.0 or "4" is no rating).

Questions are matched across versions by `key`. A column's label, type and option
labels come from the latest version that has the key; the column order is the order
of first appearance (by version number, then question order), so a later version that
adds, removes or reorders questions never moves an existing column.

Percentages are of the responses that answered the question (a multiple-choice
question's may add up to more than 100). The NPS is the share of promoters (9-10)
minus the share of detractors (0-6), in points, rounded to the nearest whole number
with halves away from zero (5 promoters, 3 passives, 2 detractors: 50 - 20 = 30).
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation

from . import charts
from .forms import option_label
from .models import Form, Invitation, Question, QuestionType, Response, ResponseStatus

# The text answers shown for a question (latest first); the count says how many exist,
# and the CSV has them all.
TEXT_LIMIT = 50
CHUNK = 2000

CHOICE = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.YES_NO)
SCALES = {QuestionType.RATING: range(1, 6), QuestionType.NPS: range(11)}
TEXTS = (
    QuestionType.SHORT_TEXT,
    QuestionType.LONG_TEXT,
    QuestionType.EMAIL,
    QuestionType.DATE,
    QuestionType.FILE,
)
PROMOTERS, PASSIVES = range(9, 11), range(7, 9)


@dataclass(frozen=True)
class Filters:
    organisations: tuple[int, ...] = ()  # ids; none: every organisation
    date_from: date | None = None  # days of submission, in the current time zone
    date_to: date | None = None
    version: int | None = None  # a FormVersion id; none: every version


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def submitted(form: Form, filters: Filters, responses: QuerySet | None = None) -> QuerySet:
    """The submitted responses of `form` the filters keep, within `responses` if given."""
    base = Response.objects.all() if responses is None else responses
    chosen = base.filter(version__form=form, status=ResponseStatus.SUBMITTED)
    if filters.organisations:
        chosen = chosen.filter(invitation__sending__organisation__in=filters.organisations)
    if filters.version:
        chosen = chosen.filter(version_id=filters.version)
    if filters.date_from:
        chosen = chosen.filter(submitted_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        chosen = chosen.filter(submitted_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return chosen


def invited(form: Form, filters: Filters) -> int:
    """People asked: a sending made after the period could not be answered in it."""
    invitations = Invitation.objects.filter(sending__form=form)
    if filters.organisations:
        invitations = invitations.filter(sending__organisation__in=filters.organisations)
    if filters.version:
        invitations = invitations.filter(sending__version_id=filters.version)
    if filters.date_to:
        invitations = invitations.filter(
            created_at__lt=_day_start(filters.date_to + timedelta(days=1))
        )
    return invitations.count()


# Columns ---------------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    question: Question  # from the latest version that has the key
    options: list[dict] = field(default_factory=list)  # every version's, latest first

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def label(self) -> str:
        return self.question.tr("label")

    def option_labels(self) -> dict:
        return {o.get("value"): option_label(o) for o in self.options}


def columns(form: Form, version: int | None = None) -> list[Column]:
    """The form's questions by key, in a stable order (one query)."""
    questions = Question.objects.filter(form_version__form=form).exclude(type=QuestionType.SECTION)
    if version:
        questions = questions.filter(form_version_id=version)
    questions = questions.order_by("form_version__number", "order", "pk")
    found: dict[str, Column] = {}
    older_options: dict[str, list[dict]] = {}
    for question in questions:
        column = found.get(question.key)
        if column is None:
            found[question.key] = Column(question.key, question)
        else:
            older_options.setdefault(question.key, []).extend(column.question.options or [])
            column.question = question
    for column in found.values():
        options = list(column.question.options or [])
        seen = {o.get("value") for o in options}
        for option in reversed(older_options.get(column.key, [])):
            if option.get("value") not in seen:
                seen.add(option.get("value"))
                options.append(option)
        column.options = options
    return list(found.values())


# Figures ---------------------------------------------------------------------------------


@dataclass
class Bar:
    value: object
    label: str
    count: int
    percent: float
    group: str = ""  # NPS: promoter, passive or detractor

    @property
    def figure(self) -> str:
        return charts.figure(self.count, self.percent)


@dataclass
class TextAnswer:
    text: str
    submitted_at: datetime
    organisation: str
    person: str | None


@dataclass
class Nps:
    promoters: int
    passives: int
    detractors: int
    total: int

    def share(self, count: int) -> float:
        return 100 * count / self.total if self.total else 0.0

    @property
    def score(self) -> int | None:
        return nps_score(self.promoters, self.detractors, self.total)


def nps_score(promoters: int, detractors: int, total: int) -> int | None:
    if not total:
        return None
    points = Decimal(100 * (promoters - detractors)) / total
    return int(points.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _percent(count: int, total: int) -> float:
    return 100 * count / total if total else 0.0


@dataclass
class QuestionResult:
    column: Column
    answered: int = 0
    counts: Counter = field(default_factory=Counter)
    total: Decimal = Decimal(0)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    texts: list[TextAnswer] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """How the page shows it: choice, rating, nps, number or text."""
        kind = self.column.type
        if kind in CHOICE:
            return "choice"
        if kind in (QuestionType.RATING, QuestionType.NPS, QuestionType.NUMBER):
            return str(kind)
        return "text"

    @property
    def label(self) -> str:
        return self.column.label

    @property
    def bars(self) -> list[Bar]:
        kind = self.column.type
        if kind in SCALES:
            # Only an NPS has promoters and detractors: a 5 of 5 rating is not drawn in red.
            grouped = kind == QuestionType.NPS
            return [
                Bar(
                    n,
                    str(n),
                    self.counts[n],
                    _percent(self.counts[n], self.answered),
                    _group(n) if grouped else "",
                )
                for n in SCALES[kind]
            ]
        if kind == QuestionType.YES_NO:
            pairs = [(True, _("Yes")), (False, _("No"))]
        elif kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            labels = self.column.option_labels()
            pairs = [(o.get("value"), labels[o.get("value")]) for o in self.column.options]
            # An answer no version offers any more (an option since removed) still counts.
            pairs += [(v, str(v)) for v in self.counts if v not in labels]
        else:
            return []
        return [
            Bar(v, lbl, self.counts[v], _percent(self.counts[v], self.answered)) for v, lbl in pairs
        ]

    @property
    def average(self) -> float | None:
        if self.kind in ("rating", "nps", "number") and self.answered:
            return float(self.total / self.answered)
        return None

    @property
    def nps(self) -> Nps | None:
        if self.column.type != QuestionType.NPS:
            return None
        return Nps(
            promoters=sum(self.counts[n] for n in PROMOTERS),
            passives=sum(self.counts[n] for n in PASSIVES),
            detractors=sum(self.counts[n] for n in range(7)),
            total=self.answered,
        )

    @property
    def figures(self) -> list[tuple[str, str]]:
        """(label, "count (percent)") of each bar, for the table beside the chart."""
        return [(bar.label, bar.figure) for bar in self.bars]

    @property
    def nps_figures(self) -> list[tuple[str, str]]:
        nps = self.nps
        if nps is None:
            return []
        return [
            (_("Promoters (9-10)"), charts.figure(nps.promoters, nps.share(nps.promoters))),
            (_("Passives (7-8)"), charts.figure(nps.passives, nps.share(nps.passives))),
            (_("Detractors (0-6)"), charts.figure(nps.detractors, nps.share(nps.detractors))),
        ]

    @property
    def average_text(self) -> str:
        return (
            ""
            if self.average is None
            else charts.decimal(self.average, 2 if self.kind == "number" else 1)
        )

    @property
    def minimum_text(self) -> str:
        return "" if self.minimum is None else charts.decimal(float(self.minimum), 2)

    @property
    def maximum_text(self) -> str:
        return "" if self.maximum is None else charts.decimal(float(self.maximum), 2)

    def chart(self):
        return charts.question_chart(self)

    def distribution(self):
        return charts.distribution_chart(self)

    @property
    def texts_left_out(self) -> int:
        return self.answered - len(self.texts) if self.kind == "text" else 0

    def add(self, value, times: int = 1) -> None:
        """`times` answers of `value` (as read from JSON); a value of another type is left out."""
        kind = self.column.type
        if kind in SCALES:
            if isinstance(value, bool) or not isinstance(value, int) or value not in SCALES[kind]:
                return
            self.counts[value] += times
            self.total += value * times
        elif kind == QuestionType.MULTIPLE:
            if not isinstance(value, list) or not value:
                return
            for chosen in set(map(str, value)):
                self.counts[chosen] += times
        elif kind == QuestionType.YES_NO:
            if not isinstance(value, bool):
                return
            self.counts[value] += times
        elif kind == QuestionType.SINGLE:
            self.counts[str(value)] += times
        elif kind == QuestionType.NUMBER:
            try:
                number = Decimal(str(value))
            except ArithmeticError:
                return
            if not number.is_finite():
                return
            self.add_numbers(times, number * times, number, number)
            return
        self.answered += times

    def add_numbers(self, count: int, total: Decimal, low: Decimal, high: Decimal) -> None:
        self.answered += count
        self.total += total
        self.minimum = low if self.minimum is None else min(self.minimum, low)
        self.maximum = high if self.maximum is None else max(self.maximum, high)


def _group(score: int) -> str:
    if score in PROMOTERS:
        return "promoter"
    return "passive" if score in PASSIVES else "detractor"


def text_of(kind: str, value) -> str:
    """A text-like answer as words (a date in the reader's format, a file's name)."""
    if kind == QuestionType.DATE:
        day = parse_date(str(value))
        return date_format(day, "DATE_FORMAT") if day else str(value)
    if kind == QuestionType.FILE:
        return str(value.get("name", "")) if isinstance(value, dict) else str(value)
    return str(value)


@dataclass
class Results:
    form: Form
    filters: Filters
    invited: int
    submitted: int
    questions: list[QuestionResult]
    anonymous: bool
    people: bool  # whether the text answers name who wrote them

    @property
    def rate(self) -> float | None:
        return 100 * self.submitted / self.invited if self.invited else None

    @property
    def rate_text(self) -> str:
        return "" if self.rate is None else charts.percent(self.rate)


# One row per answer of the chosen responses, for the keys asked about. jsonb_each needs an
# object; the ORM's subquery gives the responses the filters and the reader's scope keep.
_PAIRS = """WITH
    chosen AS (SELECT * FROM ({responses}) AS chosen({columns})),
    pairs AS (
        SELECT {carried}, answer.key, answer.value
        FROM chosen
        CROSS JOIN LATERAL jsonb_each(
            CASE WHEN jsonb_typeof(chosen.answers) = 'object' THEN chosen.answers ELSE '{{}}' END
        ) AS answer
        WHERE answer.key = ANY(%s) AND answer.value NOT IN ('null', '""', '[]')
    )"""

# Kinds of row: the number of responses; how many answered a key (texts, and choices of
# several made of option values); how many chose each option value; a number question's
# count, sum, lowest and highest; and, for the rest, how many gave each distinct value,
# which QuestionResult.add reads as the Python pass did (few values: scales, yes/no, a
# single choice, and the odd answer of another type).
_FIGURES = """{pairs},
    plain AS (
        SELECT * FROM pairs
        WHERE key = ANY(%s)
           OR (key = ANY(%s) AND jsonb_typeof(value) <> 'number')
           OR (key = ANY(%s) AND NOT (
                jsonb_typeof(value) = 'array'
                AND NOT jsonb_path_exists(value, '$[*] ? (@.type() != "string")')))
    ),
    options AS (
        SELECT * FROM pairs
        WHERE key = ANY(%s) AND jsonb_typeof(value) = 'array'
          AND NOT jsonb_path_exists(value, '$[*] ? (@.type() != "string")')
    )
SELECT 'submitted', NULL, NULL, count(*), NULL::numeric, NULL::numeric, NULL::numeric
FROM chosen
UNION ALL
SELECT 'answered', key, NULL, count(*), NULL, NULL, NULL
FROM pairs WHERE key = ANY(%s) GROUP BY key
UNION ALL
SELECT 'answered', key, NULL, count(*), NULL, NULL, NULL FROM options GROUP BY key
UNION ALL
SELECT 'option', key, option, count(DISTINCT id), NULL, NULL, NULL
FROM options CROSS JOIN LATERAL jsonb_array_elements_text(value) AS option
GROUP BY key, option
UNION ALL
SELECT 'number', key, NULL, count(*), sum(value::numeric), min(value::numeric),
       max(value::numeric)
FROM pairs WHERE key = ANY(%s) AND jsonb_typeof(value) = 'number' GROUP BY key
UNION ALL
SELECT 'value', key, value::text, count(*), NULL, NULL, NULL FROM plain GROUP BY key, value
"""

# The latest text answers of each key (as the page lists them: latest first).
_TEXTS = """{pairs},
    ranked AS (
        SELECT key, value, submitted_at, organisation, {person} AS person, row_number() OVER (
            PARTITION BY key ORDER BY submitted_at DESC, id DESC
        ) AS place
        FROM pairs
    )
SELECT key, value::text, submitted_at, organisation, person
FROM ranked WHERE place <= %s ORDER BY key, place
"""


def _rows(template: str, chosen: QuerySet, names: list[str], params: list) -> list[tuple]:
    sql, responses = chosen.order_by().values_list(*names).query.sql_with_params()
    columns = [_COLUMN_NAMES[name] for name in names]
    person = "person" if "person" in columns else "NULL"
    # Each answer carries its response's columns but the whole JSON.
    carried = ", ".join(f"chosen.{name}" for name in columns if name != "answers")
    pairs = _PAIRS.format(responses=sql, columns=", ".join(columns), carried=carried)
    query = template.format(pairs=pairs, person=person)
    with connection.cursor() as cursor:
        cursor.execute(query, [*responses, *params])
        return cursor.fetchall()


_COLUMN_NAMES = {
    "pk": "id",
    "answers": "answers",
    "submitted_at": "submitted_at",
    "invitation__sending__organisation__name": "organisation",
    "invitation__user__display_name": "person",
}


def _keys(figures: dict[str, "QuestionResult"], *kinds) -> list[str]:
    return [key for key, result in figures.items() if result.column.type in kinds]


def compute(
    form: Form,
    filters: Filters,
    *,
    responses: QuerySet | None = None,
    people: bool = True,
    text_limit: int = TEXT_LIMIT,
) -> Results:
    """The results of `form`; `people=False` (or an anonymous form) never reads who answered.

    PostgreSQL counts the answers (two queries whatever their number): the figures, then
    the latest `text_limit` text answers of each text question.
    """
    people = people and not form.anonymous
    found = columns(form, filters.version)
    figures = {column.key: QuestionResult(column) for column in found}
    chosen = submitted(form, filters, responses)
    texts = [key for key, result in figures.items() if result.kind == "text"]
    multiple = _keys(figures, QuestionType.MULTIPLE)
    numbers = _keys(figures, QuestionType.NUMBER)
    others = _keys(figures, *SCALES, QuestionType.YES_NO, QuestionType.SINGLE)
    count = 0
    params = [list(figures), others, numbers, multiple, multiple, texts, numbers]
    for row, key, value, times, total, low, high in _rows(
        _FIGURES, chosen, ["pk", "answers"], params
    ):
        result = figures.get(key)
        if row == "submitted":
            count = times
        elif row == "answered":
            result.answered += times
        elif row == "option":
            result.counts[value] += times
        elif row == "number":
            result.add_numbers(times, total, low, high)
        else:
            result.add(json.loads(value), times)
    if texts and text_limit > 0:
        names = ["pk", "answers", "submitted_at", "invitation__sending__organisation__name"]
        if people:
            names.append("invitation__user__display_name")
        for key, value, moment, organisation, person in _rows(
            _TEXTS, chosen, names, [texts, text_limit]
        ):
            result = figures[key]
            text = text_of(result.column.type, json.loads(value))
            result.texts.append(TextAnswer(text, moment, organisation, person))
    return Results(
        form=form,
        filters=filters,
        invited=invited(form, filters),
        submitted=count,
        questions=list(figures.values()),
        anonymous=form.anonymous,
        people=people,
    )


# Filters as a form -----------------------------------------------------------------------


class FilterForm(forms.Form):
    """Organisation (staff only), period of submission and version, read from the query."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=gettext_lazy("Organisation"),
        empty_label=gettext_lazy("All organisations"),
    )
    date_from = forms.DateField(
        required=False,
        label=gettext_lazy("Answered from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        required=False,
        label=gettext_lazy("Answered until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    version = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("Version")
    )

    def __init__(self, data, *, form: Form, staff: bool):
        super().__init__(data)
        if staff:
            field = self.fields["organisation"]
            field.queryset = Organisation.objects.filter(survey_sendings__form=form).distinct()
        else:
            del self.fields["organisation"]
        self.fields["version"].choices = [("", _("All versions"))] + [
            (pk, _("Version %(number)s") % {"number": number})
            for pk, number in form.versions.order_by("number").values_list("pk", "number")
        ]

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            # The day after is read as a bound: the calendar's last day has none.
            if cleaned.get(name) and cleaned[name] >= date.max - timedelta(days=1):
                self.add_error(name, _("Enter a date before the year 9999."))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return cleaned

    def filters(self, **fixed) -> Filters:
        data = self.cleaned_data
        organisation = data.get("organisation")
        chosen = {
            "organisations": (organisation.pk,) if organisation else (),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "version": data.get("version"),
        }
        return Filters(**(chosen | fixed))
