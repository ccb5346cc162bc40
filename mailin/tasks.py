from celery import shared_task
from django.conf import settings

from core.plugins import BeatJob

from . import imap


@shared_task
def fetch_mailbox() -> int:
    """Read the replies waiting in the mailbox (INBOUND_EMAIL_URL); nothing when unset."""
    return imap.poll()


# A run still queued when the next is due is dropped: each reads every unseen message.
BEAT = [
    BeatJob(
        "mailin-fetch",
        "mailin.tasks.fetch_mailbox",
        settings.INBOUND_EMAIL_POLL_SECONDS,
        expires=settings.INBOUND_EMAIL_POLL_SECONDS,
    )
]
