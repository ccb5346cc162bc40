"""The wishes panel of the client dashboard: what waits on the reader, then the latest moves."""

from django.db.models import Count, Q, Window

from .models import Wish
from .states import WishStatus

SHOWN = 4


def latest(request, organisation) -> dict | None:
    wishes = Wish.objects.visible_to(request.user, organisation=organisation).exclude(
        status=WishStatus.DRAFT
    )
    # One query: the latest moves, each carrying the counts over all of them.
    moved = list(
        wishes.only("number", "title", "status", "status_changed_at")
        .annotate(
            changes=Window(
                Count("pk", filter=Q(status=WishStatus.CHANGES_REQUESTED, author=request.user))
            ),
            under_way=Window(
                Count("pk", filter=~Q(status__in=(WishStatus.DONE, WishStatus.NOT_ACCEPTED)))
            ),
        )
        .order_by("-status_changed_at", "-pk")[:SHOWN]
    )
    first = moved[0] if moved else None
    counts = {
        "changes": first.changes if first else 0,
        "open": first.under_way if first else 0,
    }
    return {"wish_counts": counts, "moved": moved}
