"""Documents composed from a template: the fields staff may use, and the PDF.

A template's body is rendered with plain values only (strings and numbers, never
model instances), so that a template cannot reach anything we did not put in
its context. The page frame and its stylesheet are ours.
"""

from django.utils import formats, timezone
from django.utils.translation import override

from contracts.models import Contract

from .pdf.render import compose
from .pdf.render import compose_pdf as layout

# What a template may use, shown to staff beside the body.
FIELDS = (
    "organisation.name",
    "organisation.country",
    "contract.name",
    "contract.start",
    "contract.end",
    "contract.hours",
    "ticket.number",
    "ticket.subject",
    "document.number",
    "document.title",
    "signers",
    "today",
)


def context_for(document) -> dict:
    organisation = document.organisation
    today = timezone.localdate()
    contract = (
        Contract.objects.filter(organisation=organisation)
        .active_on(today)
        .order_by("-start_date")
        .first()
    )

    def day(value):
        return formats.date_format(value, "DATE_FORMAT") if value else ""

    ticket = document.ticket
    return {
        "organisation": {"name": organisation.name, "country": organisation.country},
        "contract": {
            "name": contract.name if contract else "",
            "start": day(contract.start_date) if contract else "",
            "end": day(contract.end_date) if contract else "",
            "hours": formats.number_format(contract.bank_hours) if contract else "",
        },
        "ticket": {"number": ticket.number, "subject": ticket.subject} if ticket else {},
        "document": {"number": document.number, "title": document.title},
        "signers": ", ".join(
            signer.user.display_name or signer.user.email
            # The signers of the version being composed: not yet sent, so without a version.
            for signer in document.signers.filter(version__isnull=True)
            .select_related("user")
            .order_by("order", "pk")
        ),
        "today": day(today),
    }


def compose_pdf(document) -> bytes:
    template = document.template
    language = document.language
    with override(language):
        body = template.version("body", language) or template.tr("body", language)
        title = template.version("title", language) or document.title
        return layout(compose(body, context_for(document)), title=title, language=language)
