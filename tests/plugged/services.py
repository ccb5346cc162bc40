from activity.models import Event
from activity.services import record_event


def notice_post(*, organisation, by, title: str):
    return record_event(
        organisation=organisation, actor=by, verb="notice_posted", data={"title": title}
    )


def notices(organisation):
    return (
        Event.objects.public()
        .filter(organisation=organisation, verb="notice_posted")
        .order_by("-pk")
    )
