"""A form's results as CSV (one row per submitted response) and as a PDF report.

The CSV has one header row: the fixed columns, then each question's key in the
stable order of results.columns. Keys rather than labels, and one row only, because
the file is read by spreadsheets and scripts: a second header row of labels would be
read as a response by every tool, and labels change with the language and the
version while keys do not (the labels are in the page and the PDF). Choices are
written as their option values for the same reason. The person's columns exist
only when the form is not anonymous.

The CSV is streamed: ten thousand responses are never held in memory at once.
"""

import csv
from datetime import UTC

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from core import pdf
from core.spreadsheet import text_cell

from .models import Form, QuestionType
from .results import CHUNK, Filters, columns, compute, submitted

FIXED = ["response", "organisation", "sending", "submitted_at", "version"]
PERSON = ["person", "email"]


class _Echo:
    def write(self, value):
        return value


def cell(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == QuestionType.MULTIPLE and isinstance(value, list):
        return text_cell("; ".join(map(str, value)))
    if kind == QuestionType.YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    if kind == QuestionType.NUMBER and isinstance(value, int | float):
        # A number is never a formula; its minus sign is kept for the scripts that read it.
        return str(value)
    if kind == QuestionType.FILE and isinstance(value, dict):
        return text_cell(value.get("name", ""))
    return text_cell(value)


def csv_rows(form: Form, filters: Filters, responses=None):
    found = columns(form, filters.version)
    people = not form.anonymous
    yield FIXED + (PERSON if people else []) + [column.key for column in found]
    fields = [
        "pk",
        "invitation__sending__organisation__name",
        "invitation__sending_id",
        "submitted_at",
        "version__number",
        "answers",
    ]
    if people:
        fields += ["invitation__user__display_name", "invitation__user__email"]
    chosen = submitted(form, filters, responses).order_by("submitted_at", "pk")
    for row in chosen.values_list(*fields).iterator(chunk_size=CHUNK):
        pk, organisation, sending, moment, version, answers = row[:6]
        answers = answers if isinstance(answers, dict) else {}
        line = [pk, text_cell(organisation), sending, _utc(moment), version]
        if people:
            line += [text_cell(row[6]), text_cell(row[7])]
        line += [cell(column.type, answers.get(column.key)) for column in found]
        yield line


def _utc(moment) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else ""


def filename(form: Form, extension: str) -> str:
    return (
        f"results-{slugify(form.title)[:60] or form.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"
    )


def csv_response(form: Form, filters: Filters, responses=None) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        # The byte order mark makes spreadsheets read the accents right.
        yield "\ufeff"
        for row in csv_rows(form, filters, responses):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename(form, "csv"))
    return response


def pdf_bytes(form: Form, filters: Filters, *, organisation_names=(), version_number=None) -> bytes:
    results = compute(form, filters)
    context = {
        "results": results,
        "form": form,
        "organisation_names": organisation_names,
        "version_number": version_number,
        "generated_at": timezone.now(),
        "in_pdf": True,
    }
    html = render_to_string("surveys/results_pdf.html", context)
    css = render_to_string("surveys/results_pdf.css")
    return pdf.write_pdf(html, stylesheets=[css])


def pdf_response(form: Form, filters: Filters, **about) -> HttpResponse:
    response = HttpResponse(pdf_bytes(form, filters, **about), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename(form, "pdf"))
    return response
