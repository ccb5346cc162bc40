"""Telegram through python-telegram-bot, pointed at settings.TELEGRAM_API_URL.

PTB is asynchronous; a worker process keeps one event loop and one Bot for
its life, so a batch of sends reuses one HTTP connection pool.
"""

import asyncio
import html
import warnings

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from core import i18n

from ..models import Channel as ChannelKey
from ..models import TelegramLink
from .base import Channel, PermanentFailure, TemporaryFailure

MAX_TEXT = 4096

_loop = None
_bot = None
_bot_key = None


def bot() -> Bot:
    """This process's Bot; made again when the token or the API's address changes."""
    global _bot, _bot_key
    key = (settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_URL)
    if _bot is None or _bot_key != key:
        _bot, _bot_key = Bot(key[0], base_url=key[1]), key
    return _bot


def run(coroutine):
    """Run a PTB call to completion on this process's own loop."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    return _loop.run_until_complete(coroutine)


def send_text(chat_id: int, text: str):
    return run(
        bot().send_message(
            chat_id=chat_id,
            text=text[:MAX_TEXT],
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    )


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that the int it returns will be a timedelta one day: both work here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


class TelegramChannel(Channel):
    key = ChannelKey.TELEGRAM
    label = _("Telegram")

    def enabled(self) -> bool:
        return bool(settings.TELEGRAM_BOT_TOKEN)

    def addresses(self, users) -> dict[int, str]:
        return dict(
            TelegramLink.objects.filter(
                user_id__in=[user.pk for user in users], is_active=True
            ).values_list("user_id", "chat_id")
        )

    def render(self, notification, message) -> str:
        user = notification.user
        with i18n.override_for(user):
            return render_to_string(
                "notifications/telegram.html", {"message": message, "user": user}
            ).strip()

    def send(self, notification, message) -> None:
        link = TelegramLink.objects.filter(user_id=notification.user_id, is_active=True).first()
        if link is None:
            raise PermanentFailure("Telegram is no longer linked")
        try:
            send_text(link.chat_id, self.render(notification, message))
        except RetryAfter as exc:
            raise TemporaryFailure(
                f"Telegram asked to wait {retry_seconds(exc)} s",
                retry_after=retry_seconds(exc),
                counts=False,
            ) from exc
        except Forbidden as exc:
            # Blocked bot, deleted account: nothing will get through until the user links again.
            unlink(link, TelegramLink.Ended.BLOCKED, notify=True)
            raise PermanentFailure(f"Telegram: {exc.message}") from exc
        except (BadRequest, InvalidToken) as exc:
            raise PermanentFailure(f"Telegram: {exc.message}") from exc
        except NetworkError as exc:
            raise TemporaryFailure(f"Telegram: {exc.message}") from exc
        except TelegramError as exc:
            raise TemporaryFailure(f"Telegram: {exc.message}") from exc


def unlink(link, reason: str, *, notify: bool = False) -> None:
    TelegramLink.objects.filter(pk=link.pk, is_active=True).update(
        is_active=False, ended_at=timezone.now(), ended_reason=reason, notice_pending=notify
    )


def escape(text: str) -> str:
    return html.escape(text, quote=False)
