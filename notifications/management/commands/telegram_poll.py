"""Receive the bot's updates by long polling, for installations without a public HTTPS URL.

Each update goes through the same handler as the webhook's. An update is
confirmed to Telegram (the next getUpdates' offset) only after it was handled,
so a crash or a Ctrl-C loses nothing; one handled twice is recognised by its
update_id and skipped.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter

from notifications.channels.telegram import bot, retry_seconds, run
from notifications.tasks import reply_after_commit
from notifications.telegram import handle

ALLOWED_UPDATES = ["message", "my_chat_member"]
PAUSE_AFTER_ERROR = 5.0

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Fetch the Telegram bot's updates by long polling (getUpdates) and handle them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Fetch and handle one batch, then exit."
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=None,
            help="Seconds Telegram may hold a getUpdates call open (default 30; 0 with --once).",
        )
        parser.add_argument(
            "--delete-webhook",
            action="store_true",
            help="Remove the bot's webhook first: Telegram refuses getUpdates while one is set.",
        )

    def handle(self, *args, once=False, timeout=None, delete_webhook=False, **options):
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError("TELEGRAM_BOT_TOKEN is not set: there is no bot to poll for.")
        if timeout is None:
            timeout = 0 if once else 30
        # A process manager stops us with SIGTERM: leave the same clean way as Ctrl-C.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            if delete_webhook:
                run(bot().delete_webhook())
                self.stdout.write("Webhook removed.")
            self.poll(once=once, timeout=timeout)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
        finally:
            signal.signal(signal.SIGTERM, previous)

    def poll(self, *, once: bool, timeout: int) -> None:
        offset = None
        if not once:
            self.stdout.write(f"Polling Telegram for updates (Ctrl-C to stop)… [{bot().base_url}]")
        while True:
            try:
                updates = self.fetch(offset, timeout)
            except NetworkError as exc:
                if once:
                    raise CommandError(f"Telegram could not be reached: {exc.message}") from exc
                self.stderr.write(f"Telegram could not be reached ({exc.message}); trying again.")
                time.sleep(PAUSE_AFTER_ERROR)
                continue
            for update in updates:
                try:
                    outcome = handle(update, reply=reply_after_commit)
                except Exception:
                    if once:
                        raise
                    # The database went away, say: this update is fetched again after a pause.
                    log.exception("telegram: update %s failed; trying again", update.update_id)
                    close_old_connections()
                    time.sleep(PAUSE_AFTER_ERROR)
                    break
                self.stdout.write(f"update {update.update_id}: {outcome}")
                offset = update.update_id + 1
            if once:
                if offset is not None:
                    # Confirm what was handled, or Telegram sends it again next time.
                    self.fetch(offset, 0, limit=1)
                self.stdout.write(f"{len(updates)} update(s) handled.")
                return

    def fetch(self, offset, timeout: int, limit: int = 100):
        try:
            return run(
                bot().get_updates(
                    offset=offset, timeout=timeout, limit=limit, allowed_updates=ALLOWED_UPDATES
                )
            )
        except RetryAfter as exc:
            time.sleep(retry_seconds(exc))
            return ()
        except Conflict as exc:
            if "webhook" in exc.message.lower():
                raise CommandError(
                    "Telegram will not give updates by polling while the bot has a webhook. "
                    "Run only the webhook, or remove it: manage.py telegram_poll --delete-webhook"
                ) from exc
            raise CommandError(
                "Another process is already polling Telegram with this bot token; "
                f"run only one. (Telegram said: {exc.message})"
            ) from exc
        except InvalidToken as exc:
            raise CommandError(f"Telegram refused TELEGRAM_BOT_TOKEN: {exc.message}") from exc


def _interrupt(signum, frame):
    raise KeyboardInterrupt
