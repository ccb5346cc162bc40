from django.conf import settings

from core.plugins import BeatJob

# The task lives beside /readyz, which reads what it writes.
from .health import heartbeat

# A heartbeat still waiting after one interval is dropped: the next one follows.
BEAT = [
    BeatJob(
        "worker-heartbeat",
        "portal.health.heartbeat",
        settings.WORKER_HEARTBEAT_SECONDS,
        expires=settings.WORKER_HEARTBEAT_SECONDS,
    )
]

__all__ = ["BEAT", "heartbeat"]
