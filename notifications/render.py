"""What a notification says, the same on every channel, in the recipient's language.

Only public content ever leaves this module: the sentence comes from the verb
table (an internal note's sentence names the note, never its text) and the one
excerpt shown is a reply's text, read only from a public comment, or the
detail of a public event (activity.describe.detail: an escalation's reason).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from activity.describe import describe, detail
from activity.verbs import KINDS, VERB_TABLE

EXCERPT_CHARS = 600


@dataclass
class Message:
    headline: str
    kind_label: str
    path: str
    number: str = ""
    ticket_subject: str = ""
    excerpt: str = ""
    organisation: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.path

    @property
    def subject(self) -> str:
        """The e-mail subject: fixed per ticket, so that mail clients thread on it too."""
        if self.number:
            return f"[{self.number}] {self.ticket_subject}"
        return self.headline


def render(event, user, *, ticket=None, comment=None) -> Message:
    """The event as `user` reads it; `ticket` and `comment` save lookups when known."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        entry = VERB_TABLE.get(event.verb)
        number = event.data.get("number", "") if entry and entry.audience == "ticket" else ""
        if number and ticket is None:
            ticket = _ticket(number, event.organisation_id)
        message = Message(
            headline=describe(event),
            kind_label=str(KINDS[entry.kind].label) if entry else "",
            path=_path(event, user, ticket),
            number=number,
            ticket_subject=event.data.get("subject", ""),
            organisation=event.organisation.name if event.organisation_id else "",
        )
        if event.verb == "ticket_replied" and not event.is_internal:
            message.excerpt = _reply_excerpt(event, comment)
        else:
            # An escalation's reason, a call's phone and time: from the event's data.
            message.excerpt = Truncator(detail(event)).chars(EXCERPT_CHARS)
        return message


def _ticket(number, organisation_id):
    from tickets.models import Ticket

    # Within the event's organisation, as everywhere else: a link never leads
    # to another tenant's ticket, whatever the event's data says.
    return (
        Ticket.objects.filter(number=number, organisation_id=organisation_id)
        .only("pk", "number", "organisation_id")
        .first()
    )


def _reply_excerpt(event, comment) -> str:
    from tickets.models import Comment

    if comment is None:
        comment = (
            Comment.objects.filter(pk=event.target_id or None, is_internal=False)
            .only("body", "is_internal")
            .first()
        )
    if comment is None or comment.is_internal:
        return ""
    return Truncator(comment.body).chars(EXCERPT_CHARS)


def _path(event, user, ticket) -> str:
    entry = VERB_TABLE.get(event.verb)
    if user.is_staff:
        if ticket is not None:
            return reverse("admin:tickets_ticket_change", args=[ticket.pk])
        return reverse("admin:index")
    if ticket is not None:
        path = reverse("tickets:detail", args=[ticket.number])
        if event.verb == "ticket_replied" and event.target_id:
            path += f"#comment-{event.target_id}"
        return path
    if entry and entry.kind == "hours_bank" and event.target_id:
        return reverse("contracts:detail", args=[event.target_id])
    if entry and entry.kind == "team":
        return reverse("accounts:team")
    return reverse("activity:feed")


def greeting(user) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return _("Hello %(name)s,") % {"name": user.display_name or user.email}
