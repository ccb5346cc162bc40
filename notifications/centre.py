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

from core import plugins

from .models import Notification, TelegramLink
from .render import render

# The banner names this many replies; the rest are in the centre.
BANNER_LIMIT = 5


def own(user):
    """The user's in-portal notifications; the only way views reach Notification rows."""
    return Notification.objects.visible_to(user)


def unread_count(user) -> int:
    return own(user).filter(read_at__isnull=True).count()


def mark_read(rows) -> int:
    return rows.filter(read_at__isnull=True).update(read_at=timezone.now())


def _banner_verbs() -> list[str]:
    return [key for key, verb in plugins.verbs().items() if verb.banner]


def _visible_references(about, user, references) -> set:
    """The references among `references` that `user` may still open."""
    column = about.data_key
    rows = about.visible(user).filter(**{f"{column}__in": references})
    return set(rows.values_list(column, flat=True))


def render_many(notifications, user) -> list:
    """Attach `message` (render.Message) to each notification, with a few queries per subject.

    The rows must come with event, event.actor and event.organisation selected.
    """
    notifications = list(notifications)
    references, quoted = {}, {}
    for n in notifications:
        event = n.event
        about = plugins.subject_of(event.verb)
        if about is not None and event.data.get(about.data_key):
            references.setdefault(about.key, set()).add(event.data[about.data_key])
        verb = plugins.verbs().get(event.verb)
        if verb is not None and verb.excerpt is not None and not event.is_internal:
            quoted.setdefault(verb.key, []).append(event)
    found, visible = {}, {}
    for key, refs in references.items():
        about = plugins.subjects()[key]
        found[key] = about.load(refs)
        # What the user can still open, in one query (render() hides the rest's subject).
        visible[key] = set(found[key]) if user.is_staff else _visible_references(about, user, refs)
    excerpts = {}
    for key, events in quoted.items():
        excerpts.update(plugins.verbs()[key].excerpt(events))
    for n in notifications:
        event = n.event
        about = plugins.subject_of(event.verb)
        key = about.key if about else ""
        reference = event.data.get(about.data_key) if about else None
        loaded = found.get(key, {})
        n.message = render(
            event,
            user,
            subject=loaded.get(reference),
            visible=reference in visible.get(key, ()) or reference not in loaded,
            excerpt=excerpts.get(event.pk, ("", "")),
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
        # COUNT(*), not of the ids: the unread index alone answers it.
        count = rows.order_by().values("user").annotate(n=Count("*")).values("n")
        return (
            get_user_model()
            .objects.filter(pk=self.user.pk)
            .values(
                unread=Coalesce(Subquery(count), 0),
                fresh_replies=Exists(
                    rows.filter(announced_at__isnull=True, event__verb__in=_banner_verbs())
                ),
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
            read_at__isnull=True, announced_at__isnull=True, event__verb__in=_banner_verbs()
        )
        rows = list(fresh.select_related("event").order_by("-created_at", "-pk"))
        # Only the rows read here: a reply arriving meanwhile waits for the next page.
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(announced_at=timezone.now())
        if self.request.path == reverse("notifications:centre"):
            return []
        # A reply about something the user can no longer see is named by its number only.
        about_of = {n.pk: plugins.subject_of(n.event.verb) for n in rows}
        wanted = {}
        for n in rows:
            about = about_of[n.pk]
            if about is not None and n.event.data.get(about.data_key):
                wanted.setdefault(about.key, set()).add(n.event.data[about.data_key])
        visible = {
            key: _visible_references(plugins.subjects()[key], self.user, refs)
            for key, refs in wanted.items()
        }
        shown = []
        for n in rows:
            about = about_of[n.pk]
            reference = n.event.data.get(about.data_key, "") if about else ""
            if reference and self.request.path == about.url(reference):
                continue
            shown.append(
                SimpleNamespace(
                    number=reference,
                    subject=n.event.data.get("subject", "")
                    if reference in visible.get(about.key if about else "", ())
                    else "",
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
