"""The wishes panel of the client dashboard: what waits on the reader, then the latest moves."""

from django.db.models import Count, Q

from .models import Wish
from .states import WishStatus

SHOWN = 4


def latest(request, organisation) -> dict | None:
    wishes = Wish.objects.visible_to(request.user, organisation=organisation).exclude(
        status=WishStatus.DRAFT
    )
    counts = wishes.aggregate(
        changes=Count("pk", filter=Q(status=WishStatus.CHANGES_REQUESTED, author=request.user)),
        open=Count("pk", filter=~Q(status__in=(WishStatus.DONE, WishStatus.NOT_ACCEPTED))),
    )
    moved = list(
        wishes.only("number", "title", "status", "status_changed_at").order_by(
            "-status_changed_at", "-pk"
        )[:SHOWN]
    )
    return {"wish_counts": counts, "moved": moved}
