"""The activity panel of the client dashboard: the latest events the reader may see."""

from .describe import describe
from .feed import feed_for


def latest(request, organisation) -> dict:
    events = list(feed_for(request.user, request.access, organisation)[:15])
    for event in events:
        event.sentence = describe(event)
    return {"events": events}
