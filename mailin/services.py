"""An inbound e-mail becomes a reply on its ticket, once, or a polite refusal, or nothing.

`receive()` handles one message in one transaction: its InboundMail row, written
first with INSERT … ON CONFLICT DO NOTHING, is the claim. A second copy of the
message (the job run twice, two jobs at once, a crash after the reply and before
the mailbox was told) finds the row and does nothing; a crash before the commit
takes the reply back with the row, and the next run does it again.

Who may answer: the person the reply address was made for (its signed token
names the ticket and them), writing from their own address, who may still reply
on that ticket. Anyone else is told why not, in their language when we know
them, at most once an hour per address and never when a machine wrote the
message (auto-replies, delivery reports): a refusal must never start a loop.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import i18n
from core.uploads import clean_uploads, upload_from_bytes
from notifications.channels.email import mail_domain
from tickets import services as ticket_services
from tickets.models import Ticket

from . import message as messages
from . import tokens, trim
from .models import InboundMail, Outcome, Reason

logger = logging.getLogger(__name__)

BOUNCE_EVERY_SECONDS = 60 * 60
MAX_BODY_CHARS = 50_000
# Our own messages: the notifications' and mailin's own, at the portal's domain.
OUR_PREFIXES = ("<notification-", "<mailin-")


def _claim(inbound, source: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mailin_inboundmail (key, source, received_at, sender, subject, "
            "outcome, reason, detail, bounce_sent, refused_files) "
            "VALUES (%s, %s, %s, %s, %s, %s, '', '', false, '[]'::jsonb) "
            "ON CONFLICT (key) DO NOTHING RETURNING id",
            [
                inbound.key,
                source,
                timezone.now(),
                inbound.sender[:254],
                inbound.subject[:255],
                Outcome.IGNORED,
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _ours(message_id: str) -> bool:
    return message_id.startswith(OUR_PREFIXES) and message_id.endswith(f"@{mail_domain()}>")


def may_reply(user, ticket) -> bool:
    """Whether `user` may still add a public reply to `ticket` (as in the portal or admin)."""
    if not user.is_active:
        return False
    if user.is_staff:
        return user.has_perm("tickets.change_ticket") and user.has_perm("tickets.add_comment")
    return Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()


def _person(address: str):
    if not address:
        return None
    return (
        get_user_model()
        .objects.filter(email__iexact=address, is_active=True)
        .order_by("-last_login", "pk")
        .first()
    )


def _files(inbound, user) -> tuple[list, list[dict]]:
    """(accepted uploads, refused [{name, why}]): each file through the portal's checks."""
    accepted, refused = [], []
    with i18n.override_for(user):
        for name, data in inbound.files:
            try:
                accepted += clean_uploads([upload_from_bytes(name, data)], existing=len(accepted))
            except ValidationError as error:
                refused.append({"name": name, "why": " ".join(error.messages)})
    return accepted, refused


def _reply(inbound, mail: InboundMail):
    """The checks, then the reply; sets the row's outcome. Returns what to tell the sender."""
    token = tokens.find(inbound.recipients)
    if token is None:
        return _refuse(mail, Reason.NO_TOKEN)
    found = tokens.read(token)
    if found is None:
        return _refuse(mail, Reason.BAD_TOKEN)
    ticket_id, user_id = found
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("organisation").first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if ticket is None or user is None:
        return _refuse(mail, Reason.UNKNOWN)
    mail.ticket = ticket
    if not user.email or user.email.lower() != inbound.sender.lower():
        return _refuse(mail, Reason.WRONG_SENDER)
    mail.user = user
    if not may_reply(user, ticket):
        return _refuse(mail, Reason.NOT_ALLOWED)
    body = trim.reply_text(inbound.text)[:MAX_BODY_CHARS]
    accepted, refused = _files(inbound, user)
    mail.refused_files = refused
    if not body and not accepted:
        return _refuse(mail, Reason.EMPTY)
    try:
        with i18n.override_for(user):
            mail.comment = ticket_services.comment_add(
                ticket=ticket, author=user, body=body, attachments=accepted, via="email"
            )
    except ValidationError as error:
        return _refuse(mail, Reason.REFUSED, " ".join(error.messages))
    mail.outcome = Outcome.REPLIED
    return ("files", ticket) if refused else None


def _refuse(mail, reason, detail=""):
    mail.outcome, mail.reason, mail.detail = Outcome.BOUNCED, reason, detail[:255]
    return ("bounce", None)


def receive(raw: bytes, *, source: str, envelope_recipients=()) -> InboundMail | None:
    """Handle one message, once: its row, or None when it was handled before."""
    try:
        inbound = messages.parse(raw, envelope_recipients=envelope_recipients)
        unreadable = False
    except Exception:
        logger.warning("mailin: an unreadable message", exc_info=True)
        inbound, unreadable = messages.Inbound(raw=raw), True
    with transaction.atomic():
        mail_id = _claim(inbound, source)
        if mail_id is None:
            return None
        mail = InboundMail.objects.get(pk=mail_id)
        tell = None
        if unreadable:
            mail.reason = Reason.UNREADABLE
        elif _ours(inbound.message_id):
            mail.reason = Reason.LOOP
        elif inbound.auto:
            mail.reason, mail.detail = Reason.AUTO, inbound.auto[:255]
        elif inbound.from_daemon or not inbound.sender:
            mail.reason = Reason.DAEMON
        else:
            tell = _reply(inbound, mail)
        if tell and (tell[0] == "files" or _first_this_hour(inbound.sender)):
            mail.bounce_sent = True
            transaction.on_commit(lambda: _tell(mail, inbound, tell[0]))
        mail.save()
    return mail


def _first_this_hour(sender: str) -> bool:
    key = "mailin:bounced:" + hashlib.sha256(sender.lower().encode()).hexdigest()
    return cache.add(key, True, BOUNCE_EVERY_SECONDS)


# -- what the sender is told --------------------------------------------------------

WHY = {
    Reason.NO_TOKEN: lambda: _(
        "It was not sent to a ticket's reply address. To answer a ticket, reply to one of "
        "its notification e-mails."
    ),
    Reason.BAD_TOKEN: lambda: _("The reply address it was sent to is not valid."),
    Reason.UNKNOWN: lambda: _("The ticket it answers no longer exists."),
    Reason.WRONG_SENDER: lambda: _(
        "It came from an address that may not answer this ticket: reply from the address "
        "that received the notification."
    ),
    Reason.NOT_ALLOWED: lambda: _("You can no longer reply to this ticket."),
    Reason.EMPTY: lambda: _(
        "It had no words of its own (only quoted text) and no file we could accept."
    ),
}


def _bounce_text(mail, inbound) -> tuple[str, str]:
    reason = mail.detail if mail.reason == Reason.REFUSED else WHY[mail.reason]()
    lines = [
        _("Hello,"),
        "",
        _("We could not add your message “%(subject)s” to a ticket.")
        % {"subject": inbound.subject or _("(no subject)")},
        str(reason),
    ]
    lines += _refused_lines(mail.refused_files)
    lines += [
        "",
        _("Nothing was changed. You can always answer from the portal: %(url)s")
        % {"url": settings.SITE_URL + "/"},
        "",
        _("This message was sent automatically."),
    ]
    return _("Your message was not added to a ticket"), "\n".join(lines)


def _refused_lines(refused) -> list[str]:
    if not refused:
        return []
    lines = ["", _("These files were not accepted:")]
    return lines + [f"- {item['why']}" for item in refused]


def _files_text(mail) -> tuple[str, str]:
    number = mail.ticket.number
    lines = [
        _("Hello,"),
        "",
        _("Your reply was added to %(number)s, but not every file it carried.")
        % {"number": number},
        *_refused_lines(mail.refused_files),
        "",
        _("You can add them from the ticket's page in the portal: %(url)s")
        % {"url": settings.SITE_URL + reverse("tickets:detail", args=[number])},
        "",
        _("This message was sent automatically."),
    ]
    return _("Some files were not added to %(number)s") % {"number": number}, "\n".join(lines)


def _tell(mail, inbound, what: str) -> None:
    """After the commit: a lost refusal is better than a second reply."""
    reader = mail.user or _person(inbound.sender)
    language = i18n.override_for(reader) if reader else i18n.override("en")
    with language:
        subject, body = _files_text(mail) if what == "files" else _bounce_text(mail, inbound)
    headers = {
        "Message-ID": f"<mailin-{mail.pk}@{mail_domain()}>",
        # RFC 3834: an automatic answer, which other robots must not answer.
        "Auto-Submitted": "auto-replied",
    }
    if inbound.message_id:
        headers["In-Reply-To"] = headers["References"] = inbound.message_id
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[inbound.sender],
        headers=headers,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT or 30),
    )
    try:
        email.send()
    except Exception:
        logger.warning("mailin: could not tell %s", inbound.sender, exc_info=True)
