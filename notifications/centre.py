"""Reads for the in-portal notification centre, the bell and the reply banner.

A user's portal rows are theirs alone (`own`); a client's never include an
internal event, whatever the fan-out wrote. The list renders many rows with a
fixed number of queries (`render_many`), and the page chrome asks for its
figures through `Notices`, which costs nothing until a template reads it.
"""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from activity.models import Visibility
from activity.verbs import VERB_TABLE

from .models import Channel, Notification, TelegramLink
from .render import TICKET_AUDIENCES, render

REPLY = "ticket_replied"
# The banner names this many replies; the rest are in the centre.
BANNER_LIMIT = 5
# A reply whose comment is gone reads as one without an excerpt (no lookup per row).
_NO_COMMENT = SimpleNamespace(is_internal=True, body="")


def own(user):
    """The user's in-portal notifications; the only way views reach Notification rows."""
    rows = Notification.objects.filter(user=user, channel=Channel.PORTAL)
    if not user.is_staff:
        rows = rows.filter(event__visibility=Visibility.PUBLIC)
    return rows


def unread_count(user) -> int:
    return own(user).filter(read_at__isnull=True).count()


def mark_read(rows) -> int:
    return rows.filter(read_at__isnull=True).update(read_at=timezone.now())


def render_many(notifications, user) -> list:
    """Attach `message` (render.Message) to each notification: four queries in all.

    The rows must come with event, event.actor and event.organisation selected.
    """
    from tickets.models import Comment, Ticket

    notifications = list(notifications)
    numbers, comment_ids = set(), set()
    for n in notifications:
        event = n.event
        entry = VERB_TABLE.get(event.verb)
        if entry and entry.audience in TICKET_AUDIENCES and event.data.get("number"):
            numbers.add(event.data["number"])
        if event.verb == REPLY and not event.is_internal and event.target_id.isdecimal():
            comment_ids.add(int(event.target_id))
    tickets = {
        t.number: t
        for t in Ticket.objects.filter(number__in=numbers).only("pk", "number", "organisation_id")
    }
    # What the user can still open, in one query (render() hides the rest's subject).
    mine = Ticket.objects.visible_to(user).filter(number__in=numbers)
    visible = set(tickets) if user.is_staff else set(mine.values_list("number", flat=True))
    comments = (
        Comment.objects.filter(pk__in=comment_ids, is_internal=False)
        .only("pk", "body", "is_internal")
        .in_bulk()
        if comment_ids
        else {}
    )
    for n in notifications:
        event = n.event
        comment = None
        if event.verb == REPLY:
            target = int(event.target_id) if event.target_id.isdecimal() else None
            comment = comments.get(target, _NO_COMMENT)
        number = event.data.get("number")
        n.message = render(
            event,
            user,
            ticket=tickets.get(number),
            comment=comment,
            visible=number in visible or number not in tickets,
        )
    return notifications


class Notices:
    """What base.html shows about notifications for the signed-in user.

    Nothing is read until a template asks (a fragment rendered for htmx never
    does); then one query gives the unread count and whether a banner is due.
    Reading `replies` shows the reply banner once: it marks those rows announced.
    """

    def __init__(self, request):
        self.request = request
        self.user = request.user

    @cached_property
    def _state(self) -> dict:
        rows = own(self.user).filter(user=OuterRef("pk"), read_at__isnull=True)
        count = rows.order_by().values("user").annotate(n=Count("pk")).values("n")
        return (
            get_user_model()
            .objects.filter(pk=self.user.pk)
            .values(
                unread=Coalesce(Subquery(count), 0),
                fresh_replies=Exists(rows.filter(announced_at__isnull=True, event__verb=REPLY)),
                telegram_blocked=Exists(
                    TelegramLink.objects.filter(user=OuterRef("pk"), notice_pending=True)
                ),
            )
            .get()
        )

    @property
    def unread(self) -> int:
        return self._state["unread"]

    @property
    def telegram_blocked(self) -> bool:
        return self._state["telegram_blocked"]

    @cached_property
    def replies(self) -> list:
        """The unread replies not announced yet, newest first; announced from now on.

        A reply that this very page shows (its ticket, or the notification
        centre) is announced without a banner.
        """
        # An htmx request may fetch a whole page only to keep a piece of it
        # (hx-select): nobody sees its banner, so it must not use it up.
        if self.request.headers.get("HX-Request") or not self._state["fresh_replies"]:
            return []
        fresh = own(self.user).filter(
            read_at__isnull=True, announced_at__isnull=True, event__verb=REPLY
        )
        rows = list(fresh.select_related("event").order_by("-created_at", "-pk"))
        # Only the rows read here: a reply arriving meanwhile waits for the next page.
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(announced_at=timezone.now())
        if self.request.path == reverse("notifications:centre"):
            return []
        from tickets.models import Ticket

        # A reply on a ticket the user can no longer see is named by number only.
        numbers = {n.event.data.get("number", "") for n in rows}
        visible = set(
            Ticket.objects.visible_to(self.user)
            .filter(number__in=numbers)
            .values_list("number", flat=True)
        )
        shown = []
        for n in rows:
            number = n.event.data.get("number", "")
            if number and self.request.path == reverse("tickets:detail", args=[number]):
                continue
            shown.append(
                SimpleNamespace(
                    number=number,
                    subject=n.event.data.get("subject", "") if number in visible else "",
                    url=reverse("notifications:open", args=[n.pk]),
                )
            )
        return shown

    @property
    def banner_replies(self) -> list:
        return self.replies[:BANNER_LIMIT]

    @property
    def more_replies(self) -> int:
        return max(len(self.replies) - BANNER_LIMIT, 0)
