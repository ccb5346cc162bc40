"""The dashboard's card of what expires soon (certificates, licences, domains)."""

from .models import Resource
from .queries import EXPIRING_DAYS

SHOWN = 5


def expiring_panel(request, organisation):
    if request.user.is_staff or organisation is None:
        return None
    resources = list(
        Resource.objects.visible_to(request.user, organisation=organisation)
        .expiring(EXPIRING_DAYS)
        .order_by("expires_on", "pk")
        .only("number", "name", "kind", "expires_on")[: SHOWN + 1]
    )
    if not resources:
        return None
    return {"resources": resources[:SHOWN], "more": len(resources) > SHOWN}
