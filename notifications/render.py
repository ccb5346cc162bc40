"""What a notification says, the same on every channel, in the recipient's language.

Only public content ever leaves this module: the sentence comes from the verb
(an internal note's sentence names the note, never its text) and the one
excerpt shown is what the verb's app quotes from public content (a reply's
text) or the detail of a public event (activity.describe.detail: an
escalation's reason).
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from activity.describe import describe, detail
from core import i18n, plugins

EXCERPT_CHARS = 600


@dataclass
class Message:
    headline: str
    kind_label: str
    path: str
    number: str = ""
    subject_line: str = ""
    excerpt: str = ""
    organisation: str = ""
    extra: dict = field(default_factory=dict)
    # The kind's key (ties an e-mail's unsubscribe link to it), what changed in
    # a few words (the subject line), an SLA deadline in the reader's time zone,
    # and what the excerpt is when it is not a reply.
    kind: str = ""
    subject_key: str = ""
    # What the subject is called ("Ticket") and its mute link's words, in the reader's language.
    subject_label: str = ""
    mute_label: str = ""
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
            parts = [part for part in (self.action, self.subject_line) if part]
            return f"[{self.number}] " + ": ".join(parts)
        return self.headline


def render(event, user, *, subject=None, visible=None, excerpt=None) -> Message:
    """The event as `user` reads it; `subject`, `visible` and `excerpt` save lookups when known.

    `subject` is the object the event is about (a ticket), `visible` whether
    `user` may still open it, `excerpt` the (text, label) the verb quotes.
    A client who can no longer see the subject (taken off a ticket's watchers,
    or gone from the organisation) keeps the notification, but not its subject
    line, the quoted text or a link to it.
    """
    with i18n.override_for(user):
        verb = plugins.verbs().get(event.verb)
        about = plugins.subject_of(event.verb)
        reference = event.data.get(about.data_key, "") if about else ""
        if reference and subject is None:
            subject = about.load([reference]).get(reference)
        if subject is not None and subject.organisation_id != event.organisation_id:
            # Within the event's organisation, as everywhere else: a link never
            # leads to another tenant's object, whatever the event's data says.
            subject = None
        if visible is None:
            visible = _visible(about, reference, subject, user)
        hidden = bool(reference) and not visible
        kinds = plugins.kinds()
        message = Message(
            headline=describe(event, hide_subject=hidden),
            kind_label=str(kinds[verb.kind].label) if verb else "",
            path=_path(event, user, verb, about, reference, None if hidden else subject),
            number=reference,
            subject_line="" if hidden else event.data.get("subject", ""),
            organisation=event.organisation.name if event.organisation_id else "",
        )
        if about is not None:
            message.subject_key = about.key
            message.subject_label = str(about.label or "")
            message.mute_label = str(about.mute_texts.link) if about.mute_texts else ""
        if verb is not None:
            message.kind = verb.kind
            message.action = str(verb.action or kinds[verb.kind].label)
            if verb.deadline:
                message.deadline = deadline(event.data.get("due_at"), user)
        if hidden or verb is None:
            return message
        if verb.excerpt is not None and not event.is_internal:
            if excerpt is None:
                excerpt = verb.excerpt([event]).get(event.pk, ("", ""))
            message.excerpt, message.excerpt_label = excerpt
        else:
            # An escalation's reason, a call's phone and time: from the event's data.
            message.excerpt = Truncator(detail(event)).chars(EXCERPT_CHARS)
        return message


def _visible(about, reference, subject, user) -> bool:
    # Staff see everything; so does the organisation itself (a webhook's reader).
    if subject is None or user.is_staff or getattr(user, "pk", None) is None:
        return True
    return about.visible(user).filter(**{about.data_key: reference}).exists()


def _path(event, user, verb, about, reference, subject) -> str:
    if subject is not None:
        return about.admin_url(subject) if user.is_staff else about.url(reference, event)
    if verb is not None and verb.audience not in plugins.SUBJECT_AUDIENCES and verb.link:
        path = verb.link(event, staff=user.is_staff)
        if path:
            return path
    return reverse("admin:index") if user.is_staff else reverse("activity:feed")


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


def greeting(user) -> str:
    with i18n.override_for(user):
        return _("Hello %(name)s,") % {"name": user.display_name or user.email}
