"""Which agents have a ticket open in the admin right now, and who is typing in it.

Each open ticket page reports every few seconds (a heartbeat). A heartbeat is
good for TTL seconds: a page closed, a laptop put to sleep or a lost network
drops out of the list by itself, with no "goodbye" needed. Presence lives in
Redis, never in PostgreSQL: it is written every few seconds by every open
page and worth nothing a minute later.

Per ticket, one sorted set holds the viewers' user ids scored by when their
last heartbeat expires, and one hash their names and whether they are typing.
A queue page asks for its 50 tickets in one round trip (viewers_many).

Presence is a courtesy, not a lock: if Redis is unreachable the pages work
without it (nobody is shown), and the stale-save check (tickets/workspace.py)
still refuses to overwrite a change the agent has not seen.
"""

import time
from dataclasses import dataclass

import redis
from django.db import connection

from core.redis import client

TTL = 20  # seconds a heartbeat counts for: pages beat every 5 s (workspace.js)
HEARTBEAT_SECONDS = 5


def _keys(ticket_id) -> tuple[str, str]:
    # Named after the database too: two sites (or two test runs) on one Redis
    # have tickets with the same ids.
    scope = f"presence:{connection.settings_dict['NAME']}:ticket:{ticket_id}"
    return scope, f"{scope}:info"


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    typing: bool


def beat(ticket_id: int, user, *, typing: bool = False, now: float | None = None) -> None:
    """`user` has the ticket open (and is typing in it, or not) as of now."""
    now = time.time() if now is None else now
    key, info = _keys(ticket_id)
    flag = "1" if typing else "0"
    try:
        with client().pipeline(transaction=False) as pipe:
            pipe.zadd(key, {str(user.pk): now + TTL})
            pipe.hset(info, str(user.pk), f"{flag}{user}")
            # The keys outlive the last viewer by a little, then go by themselves.
            pipe.expire(key, TTL * 3)
            pipe.expire(info, TTL * 3)
            pipe.execute()
    except redis.RedisError:
        pass


def leave(ticket_id: int, user) -> None:
    """The page was closed: drop the viewer now rather than when its heartbeat expires."""
    try:
        with client().pipeline(transaction=False) as pipe:
            key, info = _keys(ticket_id)
            pipe.zrem(key, str(user.pk))
            pipe.hdel(info, str(user.pk))
            pipe.execute()
    except redis.RedisError:
        pass


def viewers_many(ticket_ids, *, now: float | None = None) -> dict[int, list[Viewer]]:
    """The agents on each of these tickets now, in one round trip to Redis."""
    ticket_ids = list(ticket_ids)
    if not ticket_ids:
        return {}
    now = time.time() if now is None else now
    try:
        with client().pipeline(transaction=False) as pipe:
            for ticket_id in ticket_ids:
                key, info = _keys(ticket_id)
                pipe.zrangebyscore(key, now, "+inf")
                pipe.hgetall(info)
            replies = pipe.execute()
    except redis.RedisError:
        return {ticket_id: [] for ticket_id in ticket_ids}
    found = {}
    for index, ticket_id in enumerate(ticket_ids):
        present, info = replies[2 * index], replies[2 * index + 1]
        viewers = []
        for member in present:
            raw = info.get(member, b"0").decode()
            viewers.append(Viewer(int(member), raw[1:], raw[:1] == "1"))
        found[ticket_id] = sorted(viewers, key=lambda v: v.name.casefold())
    return found


def viewers(ticket_id: int, *, now: float | None = None) -> list[Viewer]:
    return viewers_many([ticket_id], now=now)[ticket_id]
