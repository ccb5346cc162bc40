"""The dashboard's card of the surveys and forms waiting for the reader."""

from django.db.models import Q
from django.utils import timezone

from .models import Invitation, ResponseStatus

SHOWN = 3


def waiting_panel(request, organisation):
    if request.user.is_staff or organisation is None:
        return None
    now = timezone.now()
    invitations = list(
        Invitation.objects.visible_to(request.user, organisation=organisation)
        .exclude(response__status=ResponseStatus.SUBMITTED)
        .filter(sending__closed_at=None)
        .filter(Q(sending__closes_at=None) | Q(sending__closes_at__gt=now))
        .select_related("sending__form")
        .order_by("sending__due_on", "-created_at")[: SHOWN + 1]
    )
    if not invitations:
        return None
    return {"invitations": invitations[:SHOWN], "more": len(invitations) > SHOWN}
