"""Linking a portal account to a Telegram chat, from both ends.

The portal side (`telegram_link_start`, `telegram_unlink`, `link_state`) runs
in the profile. The bot side is `handle_update()`: one Update's JSON, from the
webhook view or from `manage.py telegram_poll`, handled once (update ids are
remembered) in one transaction. The only thing taken on trust from an update is
the one-time token of a deep link; the chat it binds is the one Telegram says
the message came from. Replies go out from a Celery task after commit, so the
webhook answers Telegram at once. The caller passes that enqueueing in as
`reply` (`tasks.reply_after_commit`): the task calls into this module, so this
module does not import the tasks.
"""

import html
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.helpers import create_deep_linked_url

from core import i18n

from .channels.telegram import retry_seconds, send_text, unlink
from .models import TelegramLink, TelegramLinkToken, TelegramUpdate

log = logging.getLogger(__name__)

# What handle_update() did, for logs and tests.
LINKED = "linked"
EXPIRED = "expired"
HELP = "help"
STOPPED = "stopped"
BLOCKED = "blocked"
DUPLICATE = "duplicate"
IGNORED = "ignored"

# Telegram's deep-link payload alphabet; anything else cannot be one of our tokens.
PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Sends one of the bot's answers to a chat once the transaction commits.
Reply = Callable[[int, str], None]
# What the profile shows.
NOT_LINKED, PENDING, ACTIVE, BLOCKED_STATE = "not_linked", "pending", "linked", "blocked"


def configured() -> bool:
    """A bot token and the bot's user name: without both nobody can link."""
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME)


def deep_link(token: str) -> str:
    return create_deep_linked_url(settings.TELEGRAM_BOT_USERNAME, token)


def _cache_key(user_id: int) -> str:
    return f"telegram:link-token:{user_id}"


# The portal side ---------------------------------------------------------------------


@transaction.atomic
def telegram_link_start(*, user) -> str:
    """A new one-time deep link for `user`; earlier unused links stop working."""
    TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).delete()
    token = TelegramLinkToken.issue(user)
    # Only the hash is in the database. The raw token is kept in the cache for as
    # long as it is valid, so that the profile can show the link again to someone
    # on a computer who must open it on their phone. (Set now: after a rollback no
    # row has its hash, and the profile ignores it.)
    cache.set(_cache_key(user.pk), token, settings.TELEGRAM_LINK_TTL_SECONDS)
    return deep_link(token)


@transaction.atomic
def telegram_unlink(*, user, reply: Reply) -> bool:
    """Stop sending to `user`'s chat; say so in the chat. False when nothing was linked."""
    TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).delete()
    link = TelegramLink.objects.filter(user=user, is_active=True).first()
    if link is None:
        return False
    unlink(link, TelegramLink.Ended.UNLINKED)
    with i18n.override_for(user):
        text = _(
            "This chat no longer gets notifications from the support portal: "
            "Telegram was unlinked in your profile."
        )
    reply(link.chat_id, text)
    return True


def link_state(user) -> dict:
    """The profile's Telegram section: linked, waiting for /start, blocked or not linked."""
    link = TelegramLink.objects.filter(user=user).first()
    state = {"link": link, "bot_username": settings.TELEGRAM_BOT_USERNAME}
    if link is not None and link.is_active:
        return {**state, "state": ACTIVE}
    pending = (
        TelegramLinkToken.objects.filter(
            user=user, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        token = cache.get(_cache_key(user.pk))
        shown = token if token and TelegramLinkToken.hash(token) == pending.token_hash else None
        return {
            **state,
            "state": PENDING,
            "expires_at": pending.expires_at,
            "deep_link": deep_link(shown) if shown else None,
        }
    if link is not None and link.ended_reason == TelegramLink.Ended.BLOCKED:
        return {**state, "state": BLOCKED_STATE}
    return {**state, "state": NOT_LINKED}


def notice_seen(link) -> None:
    if link is not None and link.notice_pending:
        TelegramLink.objects.filter(pk=link.pk).update(notice_pending=False)


# The bot side ------------------------------------------------------------------------


def handle_update(data: dict, *, reply: Reply) -> str:
    """Handle one Update (its JSON) at most once; return what was done."""
    try:
        update = Update.de_json(data, None)
    except (AttributeError, KeyError, TypeError, ValueError):
        log.warning("telegram: ignored an update that is not an Update: %.200r", data)
        return IGNORED
    # Ids are looked up and stored as bigint: one that is not such an integer
    # (a forged or mangled update) would fail in the database, not be ignored.
    chat, user = update.effective_chat, update.effective_user
    ids = [update.update_id, *(found.id for found in (chat, user) if found is not None)]
    if not all(_is_bigint(value) for value in ids):
        return IGNORED
    return handle(update, reply=reply)


def _is_bigint(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


@transaction.atomic
def handle(update: Update, *, reply: Reply) -> str:
    if not _first_time(update.update_id):
        return DUPLICATE
    if update.my_chat_member is not None:
        return _member_changed(update.my_chat_member)
    message = update.message
    if (
        message is None
        or message.chat.type != ChatType.PRIVATE
        or message.from_user is None
        or not message.text
    ):
        return IGNORED
    command, _space, argument = message.text.strip().partition(" ")
    command = command.split("@", 1)[0].lower()
    if command == "/start" and argument.strip():
        return _start(message, argument.strip(), reply)
    if command == "/stop":
        return _stop(message, reply)
    return _help(message, reply)


def _first_time(update_id: int) -> bool:
    """Remember the update; False if it was seen before (a webhook retry, a re-poll)."""
    table = connection.ops.quote_name(TelegramUpdate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (update_id, received_at) VALUES (%s, %s) "  # noqa: S608
            "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            [update_id, timezone.now()],
        )
        return cursor.fetchone() is not None


def _start(message: Message, payload: str, reply: Reply) -> str:
    chat, sender = message.chat, message.from_user
    now = timezone.now()
    token_hash = TelegramLinkToken.hash(payload) if PAYLOAD.fullmatch(payload) else None
    # One conditional UPDATE on the token's own columns: of two messages carrying
    # the same token, however close, only one finds it unused.
    burned = token_hash and TelegramLinkToken.objects.filter(
        token_hash=token_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    user = (
        TelegramLinkToken.objects.select_related("user").get(token_hash=token_hash).user
        if burned
        else None
    )
    if user is None or not user.is_active:
        with i18n.override(_telegram_language(sender.language_code)):
            reply(
                chat.id,
                _(
                    "This link has expired or was already used. Create a new one in your "
                    "profile on the portal: %(url)s"
                )
                % {"url": _profile_url()},
            )
        return EXPIRED
    TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    TelegramLink.objects.update_or_create(
        user=user,
        defaults={
            "chat_id": chat.id,
            "telegram_user_id": sender.id,
            "username": sender.username or "",
            "linked_at": now,
            "is_active": True,
            "ended_at": None,
            "ended_reason": "",
            "notice_pending": False,
        },
    )
    transaction.on_commit(lambda: cache.delete(_cache_key(user.pk)))
    with i18n.override_for(user):
        reply(
            chat.id,
            _(
                "Done: this chat now gets the notifications of %(name)s on the support "
                "portal. Choose which ones in your profile: %(url)s\n\n"
                "Send /stop to stop them."
            )
            % {"name": _bold(user.display_name or user.email), "url": _profile_url()},
        )
    log.info("telegram: user %s linked chat %s", user.pk, chat.id)
    return LINKED


def _stop(message: Message, reply: Reply) -> str:
    links = list(
        TelegramLink.objects.filter(chat_id=message.chat.id, is_active=True).select_related("user")
    )
    for link in links:
        unlink(link, TelegramLink.Ended.STOPPED)
    if links:
        reader = i18n.override_for(links[0].user)
    else:
        reader = i18n.override(_telegram_language(message.from_user.language_code))
    with reader:
        if links:
            text = _(
                "Done: this chat will get no more notifications from the support portal. "
                "To get them again, link Telegram in your profile: %(url)s"
            ) % {"url": _profile_url()}
        else:
            text = _("This chat was not getting notifications from the support portal.")
    reply(message.chat.id, text)
    return STOPPED if links else HELP


def _help(message: Message, reply: Reply) -> str:
    link = (
        TelegramLink.objects.filter(chat_id=message.chat.id, is_active=True)
        .select_related("user")
        .first()
    )
    if link is not None:
        user = link.user
        with i18n.override_for(user):
            text = _(
                "This chat gets the notifications of %(name)s on the support portal. "
                "Choose which ones in your profile: %(url)s\n\nSend /stop to stop them."
            ) % {"name": _bold(user.display_name or user.email), "url": _profile_url()}
    else:
        with i18n.override(_telegram_language(message.from_user.language_code)):
            text = _(
                "Hello! This bot sends the notifications of the support portal. To get "
                "yours here, open your profile on the portal and press “Link Telegram”: "
                "%(url)s"
            ) % {"url": _profile_url()}
    reply(message.chat.id, text)
    return HELP


def _member_changed(change) -> str:
    """The user blocked the bot ("kicked"): stop, and tell them in the portal."""
    if change.chat.type != ChatType.PRIVATE:
        return IGNORED
    if change.new_chat_member.status != ChatMemberStatus.BANNED:
        # Unblocking is not linking again: that takes a new link from the profile.
        return IGNORED
    for link in TelegramLink.objects.filter(chat_id=change.chat.id, is_active=True):
        unlink(link, TelegramLink.Ended.BLOCKED, notify=True)
    return BLOCKED


def _telegram_language(code: str | None) -> str:
    """The Telegram app's language when the portal speaks it (before we know the user)."""
    language = (code or "").split("-")[0].lower()
    return language if language in {"es", "pt", "fr"} else "en"


def _profile_url() -> str:
    return html.escape(settings.SITE_URL + reverse("accounts:profile") + "#telegram")


def _bold(text: str) -> str:
    return f"<b>{html.escape(text, quote=False)}</b>"


def send_reply(chat_id: int, text: str) -> float | None:
    """Send one of the bot's answers; return seconds to wait before trying again, if any."""
    try:
        send_text(chat_id, text)
    except RetryAfter as exc:
        return retry_seconds(exc)
    except (BadRequest, Forbidden, InvalidToken) as exc:
        # The chat is gone or blocked us, or the bot is misconfigured: a retry cannot help.
        log.warning("telegram: reply to chat %s not sent: %s", chat_id, exc.message)
    except NetworkError as exc:
        log.info("telegram: reply to chat %s will be retried: %s", chat_id, exc.message)
        return 5.0
    except TelegramError as exc:
        log.warning("telegram: reply to chat %s not sent: %s", chat_id, exc.message)
    return None
