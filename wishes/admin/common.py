"""What the wish admins share: their stylesheets, labels, ages and board positions."""

from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..states import Value, WishStatus

# The ticket workspace's thread, badges and composer panels, then the wishes' own.
ADMIN_CSS = {"all": ["admin_extra/tickets.css", "wishes/admin.css"]}


@lru_cache(maxsize=128)
def _label(choices, value, language):
    # Worked out once per value and language, not for every row and column.
    try:
        text = choices(value).label
    except ValueError:
        text = value
    return format_html('<span class="wish-label wish-label--{}">{}</span>', value, text)


def status_label(status: str):
    return _label(WishStatus, status, get_language())


def value_label(value: str):
    return _label(Value, value, get_language())


def age(moment, now=None) -> str:
    """How long ago `moment` was, in its largest unit ("3 days"); "today" under a day."""
    now = now or timezone.now()
    if (now - moment).days < 1:
        return _("today")
    return timesince(moment, now, depth=1)


def attachment_links(wish, attachments):
    return format_html_join(
        "",
        '<a class="ticket-file" href="{}">{}</a> ',
        (
            (reverse("admin:wishes_wish_attachment", args=[wish.pk, a.pk]), a.name)
            for a in attachments
        ),
    )


def position_between(after: float | None, before: float | None) -> float | None:
    """A position after `after` and before `before` (None: no card on that side).

    None when there is no room left between them (equal positions, or halves too
    close for a float): the column is numbered again first.
    """
    if after is None and before is None:
        return 1.0
    if after is None:
        return before - 1
    if before is None:
        return after + 1
    middle = (after + before) / 2
    return middle if after < middle < before else None
