"""One Redis connection pool for the short, frequent reads and writes of live pages.

Presence heartbeats and the queue's version are read on every poll: a timeout of a
second means an unreachable Redis costs a poll a second, never a hung worker, and
the callers treat a RedisError as "nothing known" (no viewers, no cached counts).
"""

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
