import pytest

from activity.models import Event
from activity.tasks import _dispatch


@pytest.fixture
def dispatch():
    """Run the event handlers for every event not dispatched yet, as the worker would."""

    def run():
        ids = list(
            Event.objects.filter(dispatched_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            _dispatch(pk)
        return ids

    return run
