"""Who is asking: the client's address and the account name that throttles count by.

Login throttling (django-axes) and password-reset throttling count attempts per
e-mail address and per client address. Both must be what the attacker cannot
vary at will: `X-Forwarded-For` is written by whoever sends the request, so it is
read only when `TRUSTED_PROXY_COUNT` reverse proxies are known to sit in front of
the application, and then only the entry the nearest trusted proxy wrote.
"""

from django.conf import settings
from django.core.cache import cache

from core.net import client_ip as _client_ip


def client_ip(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address core.net reads (the audit trail reads the same)."""
    return _client_ip(request)


def normalised_email(value) -> str:
    # Login looks accounts up case-insensitively, so every spelling of one
    # address must share one counter.
    return str(value or "").strip().lower()


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the e-mail as login will match it."""
    if credentials:
        return normalised_email(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    return normalised_email(request.POST.get(settings.AXES_USERNAME_FORM_FIELD))


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more request under `key` in a fixed window; True past `limit`."""
    cache_key = f"throttle:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count > limit
