import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core import i18n, plugins

from .. import unsubscribe
from ..models import Channel as ChannelKey
from ..render import greeting
from .base import Channel, PermanentFailure, TemporaryFailure

# Without a timeout smtplib waits forever on a relay that stopped answering,
# holding the delivery's claim; it must end well before the sweep takes the
# claim back (NOTIFICATION_CLAIM_TIMEOUT_SECONDS), or the message goes twice.
DEFAULT_TIMEOUT_SECONDS = 30


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def thread_headers(notification, message) -> dict[str, str]:
    """Message-ID unique to the delivery; every message of a ticket refers to one root id.

    The root (`<tkt-2026-00042@host>`) is never sent itself. Mail clients
    thread on References, as they do for GitHub's notifications, so the
    thread holds together whichever of its messages a person chose to get.
    """
    domain = mail_domain()
    headers = {
        "Message-ID": f"<notification-{notification.pk}.{notification.event_id}@{domain}>",
    }
    if message.number:
        root = f"<{message.number.lower()}@{domain}>"
        headers["In-Reply-To"] = root
        headers["References"] = root
    return headers


class EmailChannel(Channel):
    key = ChannelKey.EMAIL
    label = _("E-mail")

    def addresses(self, users) -> dict[int, str]:
        return {user.pk: user.email for user in users if user.email}

    def build(self, notification, message) -> EmailMultiAlternatives:
        user = notification.user
        unsubscribe_url = unsubscribe.url(user, message)
        with i18n.override_for(user):
            context = {
                "message": message,
                "greeting": greeting(user),
                "user": user,
                "unsubscribe_url": unsubscribe_url,
            }
            text = render_to_string("notifications/email/notification.txt", context)
            html = render_to_string("notifications/email/notification.html", context)
        email = EmailMultiAlternatives(
            # A header is one line: a subject typed with a line break must not
            # make Django refuse the message on every attempt.
            subject=" ".join(message.subject.split()),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            # An app may let the person answer by e-mail (mailin: the ticket's reply address).
            reply_to=[address] if (address := plugins.reply_address(notification, user)) else None,
            headers={
                **thread_headers(notification, message),
                "Auto-Submitted": "auto-generated",
                # RFC 8058: mail clients offer "unsubscribe" and POST to it in one click.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        email.attach_alternative(html, "text/html")
        return email

    def send(self, notification, message) -> None:
        email = self.build(notification, message)
        email.connection = get_connection(timeout=settings.EMAIL_TIMEOUT or DEFAULT_TIMEOUT_SECONDS)
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _reply in exc.recipients.values()]
            if codes and all(400 <= code < 500 for code in codes):
                # 4xx: greylisting, a full mailbox; the relay asks us to come back.
                raise TemporaryFailure(f"recipient deferred: {exc.recipients}") from exc
            raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                # The relay read this message and will never take it (spam, size).
                raise PermanentFailure(f"message refused: {exc}") from exc
            raise TemporaryFailure(f"SMTPDataError: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Connection refused, timeouts, 4xx answers: the relay may be back later.
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
