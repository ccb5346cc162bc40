"""The notification URLs of the scoping harness (tests/scoping.py)."""

from tests.scoping import Case


def _notification(w):
    from activity.services import record_event
    from notifications.models import DeliveryStatus, Notification

    event = record_event(
        organisation=w.org,
        actor=w.member,
        verb="member_joined",
        data={"member": "Diego", "role": "member"},
    )
    notification = Notification.objects.create(
        event=event, user=w.manager, channel="portal", status=DeliveryStatus.SENT
    )
    return {"pk": notification.pk}


# A notification is its recipient's alone: anyone else gets a 404, even inside
# the organisation (tests/notifications/test_centre.py checks the other members).
CASES = [
    # Opening a notification marks it read and sends the reader to its target.
    Case("notifications:open", _notification, ok=302),
    Case("notifications:read", _notification, "post"),
]

# The parameter is a signed token, not an id: whoever holds the link may open it.
CAPABILITY_URLS = {
    "notifications:unsubscribe": "signed mute link of one person and ticket "
    "(tests/notifications/test_unsubscribe.py: tampered and foreign links are 404)",
}
