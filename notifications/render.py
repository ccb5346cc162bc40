"""What a notification says, the same on every channel, in the recipient's language.

Only public content ever leaves this module: the sentence comes from the verb
table (an internal note's sentence names the note, never its text) and the one
excerpt shown is a reply's text, read only from a public comment, or the
detail of a public event (activity.describe.detail: an escalation's reason).
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from activity.describe import describe, detail
from activity.verbs import KINDS, PERSON, TICKET, VERB_TABLE
from core import i18n

EXCERPT_CHARS = 600
# Events about one ticket: their message names it and links to it.
TICKET_AUDIENCES = (TICKET, PERSON)


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
    # The kind's key (ties an e-mail's unsubscribe link to it), what changed in
    # a few words (the subject line), an SLA deadline in the reader's time zone,
    # and what the excerpt is when it is not a reply.
    kind: str = ""
    action: str = ""
    deadline: str = ""
    excerpt_label: str = ""

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.path

    @property
    def subject(self) -> str:
        """The e-mail subject: the ticket, then what changed ("[TKT-…] Resolved: Router down").

        Mail clients still thread a ticket's messages together on their
        References header (channels.email.thread_headers).
        """
        if self.number:
            parts = [part for part in (self.action, self.ticket_subject) if part]
            return f"[{self.number}] " + ": ".join(parts)
        return self.headline


def render(event, user, *, ticket=None, comment=None, visible: bool | None = None) -> Message:
    """The event as `user` reads it; `ticket`, `comment` and `visible` save lookups when known.

    A client who can no longer see the ticket (taken off its watchers, or gone
    from the organisation) keeps the notification, but not the ticket's subject,
    its reply's text or a link to it: `visible` says whether they can see it.
    """
    with i18n.override_for(user):
        entry = VERB_TABLE.get(event.verb)
        about_ticket = entry is not None and entry.audience in TICKET_AUDIENCES
        number = event.data.get("number", "") if about_ticket else ""
        if number and ticket is None:
            ticket = _ticket(number, event.organisation_id)
        if visible is None:
            visible = _visible(ticket, user)
        hidden = bool(number) and not visible
        message = Message(
            headline=describe(event, hide_subject=hidden),
            kind_label=str(KINDS[entry.kind].label) if entry else "",
            path=_path(event, user, None if hidden else ticket),
            number=number,
            ticket_subject="" if hidden else event.data.get("subject", ""),
            organisation=event.organisation.name if event.organisation_id else "",
        )
        _specifics(message, event, user, entry)
        if hidden:
            return message
        if event.verb == "ticket_replied" and not event.is_internal:
            message.excerpt = _reply_excerpt(event, comment)
        elif event.verb == "ticket_resolved" and not event.is_internal:
            message.excerpt = _resolution(event, ticket)
            message.excerpt_label = _("How it was solved") if message.excerpt else ""
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


def _visible(ticket, user) -> bool:
    # Staff see every ticket; so does the organisation itself (a webhook's reader).
    if ticket is None or user.is_staff or getattr(user, "pk", None) is None:
        return True
    from tickets.models import Ticket

    return Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()


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
        if entry and entry.kind == "hours_bank" and event.target_id:
            # A supervisor told of an exhausted bank goes to the contract itself.
            return reverse("admin:contracts_contract_change", args=[event.target_id])
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


# What changed, as the subject line says it; a verb not listed says its kind.
ACTIONS = {
    "ticket_opened": pgettext_lazy("e-mail subject", "New ticket"),
    "recurring_ticket_opened": pgettext_lazy("e-mail subject", "New ticket"),
    "ticket_replied": pgettext_lazy("e-mail subject", "New reply"),
    "ticket_note_added": pgettext_lazy("e-mail subject", "Internal note"),
    "ticket_status_changed": pgettext_lazy("e-mail subject", "Status changed"),
    "ticket_priority_changed": pgettext_lazy("e-mail subject", "Priority changed"),
    "ticket_assigned": pgettext_lazy("e-mail subject", "Assigned"),
    "ticket_escalated": pgettext_lazy("e-mail subject", "Escalated"),
    "ticket_call_requested": pgettext_lazy("e-mail subject", "Call requested"),
    "ticket_resolved": pgettext_lazy("e-mail subject", "Resolved"),
    "ticket_closed": pgettext_lazy("e-mail subject", "Closed"),
    "ticket_auto_closed": pgettext_lazy("e-mail subject", "Closed"),
    "ticket_reopened": pgettext_lazy("e-mail subject", "Reopened"),
    "ticket_rated": pgettext_lazy("e-mail subject", "Rated"),
    "ticket_merged": pgettext_lazy("e-mail subject", "Merged"),
    "attachment_added": pgettext_lazy("e-mail subject", "New attachment"),
    "client_task_added": pgettext_lazy("e-mail subject", "Task for you"),
    "client_task_done": pgettext_lazy("e-mail subject", "Task done"),
    "sla_warning": pgettext_lazy("e-mail subject", "Deadline close"),
    "sla_breached": pgettext_lazy("e-mail subject", "Deadline missed"),
    "time_logged": pgettext_lazy("e-mail subject", "Time logged"),
    "time_entry_changed": pgettext_lazy("e-mail subject", "Time logged"),
}
SLA_VERBS = {"sla_warning", "sla_breached"}


def _specifics(message, event, user, entry) -> None:
    """What the subject line and the SLA messages need besides the sentence."""
    message.kind = entry.kind if entry else ""
    if entry is not None:
        message.action = str(ACTIONS.get(event.verb, KINDS[entry.kind].label))
    if event.verb in SLA_VERBS:
        message.deadline = deadline(event.data.get("due_at"), user)


def deadline(value, user) -> str:
    """An ISO deadline as the reader writes dates, in their own time zone, which it names."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    try:
        zone = zoneinfo.ZoneInfo(getattr(user, "timezone", "") or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(moment, zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


def _resolution(event, ticket) -> str:
    """The support's last public reply before the ticket was resolved: how it was solved."""
    from tickets.models import Comment

    if ticket is None:
        return ""
    reply = (
        Comment.objects.filter(
            ticket=ticket,
            is_internal=False,
            author__is_staff=True,
            created_at__lte=event.created_at,
        )
        .exclude(body="")
        .only("body")
        .order_by("-created_at", "-pk")
        .first()
    )
    return Truncator(reply.body).chars(EXCERPT_CHARS) if reply else ""


def greeting(user) -> str:
    with i18n.override_for(user):
        return _("Hello %(name)s,") % {"name": user.display_name or user.email}
