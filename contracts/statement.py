"""The statement of hours of one bank period, as CSV and as PDF (WeasyPrint).

Both are written in the user's language with dates in the user's time zone.
The PDF is templates/contracts/statement_pdf.html styled by statement_pdf.css,
built by core.pdf, which fetches nothing from elsewhere: the fonts come from the
system (DejaVu Sans).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import i18n, pdf
from core.spreadsheet import text_cell

from . import queries
from .models import BankKind, BankPeriod, Contract, TimeEntry
from .templatetags.contracts import decimal_hours, last_day

# The PDF lists at most this many entries (about 5 ms each to lay out): a request
# must not hold a web worker for a minute. The CSV always has every entry.
PDF_MAX_ENTRIES = 1000


@dataclass
class Statement:
    contract: Contract
    period: BankPeriod
    tickets: list[queries.TicketTotal]
    entries: list[TimeEntry]
    language: str
    timezone: str
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def organisation(self):
        return self.contract.organisation

    @property
    def last_day(self):
        return last_day(self.period)

    @property
    def entries_total(self) -> int:
        return sum(row.entries for row in self.tickets)

    @property
    def entries_left_out(self) -> int:
        return self.entries_total - len(self.entries)

    @property
    def other_minutes(self) -> int:
        return sum(row.other_minutes for row in self.tickets)

    @property
    def extra_amount(self) -> Decimal | None:
        return extra_amount(self.contract, self.period)


def extra_amount(contract, period) -> Decimal | None:
    """What the hours over the bank cost at the contract's price, if it has one."""
    if contract.extra_hour_price is None or not period.overage_minutes:
        return None
    amount = Decimal(period.overage_minutes) * contract.extra_hour_price / 60
    return amount.quantize(Decimal("0.01"))


def statement_for(contract, period, user, max_entries: int | None = None) -> Statement:
    entries = queries.period_entries(period).order_by("performed_at", "pk")
    return Statement(
        contract=contract,
        period=period,
        tickets=queries.ticket_totals(period),
        entries=list(entries[:max_entries] if max_entries is not None else entries),
        language=user.language,
        timezone=user.timezone,
    )


def filename(statement: Statement, extension: str) -> str:
    start = statement.period.start
    when = f"{start:%Y-%m}" if statement.contract.bank_kind == BankKind.MONTHLY else f"{start}"
    org = statement.organisation.slug
    return f"hours-{org}-{slugify(statement.contract.name)}-{when}.{extension}"


# CSV ------------------------------------------------------------------------------


def _cell(value) -> str:
    return text_cell(value)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def csv_bytes(statement: Statement) -> bytes:
    period, contract = statement.period, statement.contract
    out = io.StringIO()
    writer = csv.writer(out)
    with i18n.override_for(statement):
        end = statement.last_day
        writer.writerows(
            [
                [_("Statement of hours")],
                [_("Organisation"), _cell(statement.organisation.name)],
                [_("Contract"), _cell(contract.name)],
                [_("Period"), period.start.isoformat(), end.isoformat() if end else ""],
                [_("Hours in the bank"), decimal_hours(period.allowance_minutes)],
                [_("Of which carried over"), decimal_hours(period.carried_minutes)],
                [_("Used"), decimal_hours(period.used_minutes)],
                [_("Available"), decimal_hours(period.available_minutes)],
                [_("Over the bank"), decimal_hours(period.overage_minutes)],
            ]
        )
        if contract.extra_hour_price is not None:
            writer.writerow(
                [_("Price of an extra hour"), contract.extra_hour_price, contract.currency]
            )
            if statement.extra_amount is not None:
                writer.writerow(
                    [_("Extra hours at that price"), statement.extra_amount, contract.currency]
                )
        writer.writerow([])
        writer.writerow(
            [_("Ticket"), _("Subject"), _("Billable hours"), _("Not billable hours"), _("Entries")]
        )
        for row in statement.tickets:
            writer.writerow(
                [
                    row.number,
                    _cell(row.subject),
                    decimal_hours(row.billable_minutes),
                    decimal_hours(row.other_minutes),
                    row.entries,
                ]
            )
        writer.writerow([])
        writer.writerow(
            [
                _("Date"),
                _("Ticket"),
                _("What was done"),
                _("By"),
                _("Minutes"),
                _("Hours"),
                _("Billable"),
            ]
        )
        for entry in statement.entries:
            writer.writerow(
                [
                    _local(entry.performed_at),
                    entry.ticket.number,
                    _cell(entry.description),
                    _cell(entry.agent.display_name),
                    entry.minutes,
                    decimal_hours(entry.minutes),
                    _("yes") if entry.billable else _("no"),
                ]
            )
    # The byte order mark makes spreadsheets read the accents right.
    return out.getvalue().encode("utf-8-sig")


def csv_response(statement: Statement) -> HttpResponse:
    response = HttpResponse(csv_bytes(statement), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename(statement, "csv"))
    return response


# PDF ------------------------------------------------------------------------------


def pdf_bytes(statement: Statement) -> bytes:
    with i18n.override_for(statement):
        html = render_to_string("contracts/statement_pdf.html", {"statement": statement})
        css = render_to_string("contracts/statement_pdf.css")
    return pdf.write_pdf(html, stylesheets=[css])


def pdf_response(statement: Statement) -> HttpResponse:
    response = HttpResponse(pdf_bytes(statement), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename(statement, "pdf"))
    return response
