"""Tell Telegram where to POST the bot's updates (setWebhook), or stop it (deleteWebhook)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from telegram.error import TelegramError

from notifications.channels.telegram import bot, run
from notifications.management.commands.telegram_poll import ALLOWED_UPDATES


class Command(BaseCommand):
    help = (
        "Register this portal's webhook with Telegram, with TELEGRAM_WEBHOOK_SECRET as its "
        "secret token (or --delete it, or show --info)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            help="The public HTTPS address of the webhook (default: SITE_URL + its path).",
        )
        parser.add_argument("--delete", action="store_true", help="Remove the webhook.")
        parser.add_argument("--info", action="store_true", help="Show what Telegram has.")

    def handle(self, *args, url=None, delete=False, info=False, **options):
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError("TELEGRAM_BOT_TOKEN is not set.")
        try:
            if info:
                webhook = run(bot().get_webhook_info())
                self.stdout.write(
                    f"url: {webhook.url or '(none)'}\n"
                    f"pending updates: {webhook.pending_update_count}\n"
                    f"last error: {webhook.last_error_message or '(none)'}"
                )
            elif delete:
                run(bot().delete_webhook())
                self.stdout.write("Webhook removed.")
            else:
                self.set(url or settings.SITE_URL + reverse("notifications:telegram_webhook"))
        except TelegramError as exc:
            raise CommandError(f"Telegram said: {exc.message}") from exc

    def set(self, url: str) -> None:
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError(
                "TELEGRAM_WEBHOOK_SECRET is not set: the webhook would refuse every update."
            )
        if not url.startswith("https://"):
            raise CommandError(f"Telegram only calls HTTPS addresses, not {url}.")
        run(
            bot().set_webhook(
                url,
                secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        self.stdout.write(f"Webhook set: {url}")
