"""Who is connecting: the client's address behind the reverse proxies we trust.

Pure request reading, shared by the throttles (accounts) and the audit trail, so
that both name the same address for the same request.
"""

from django.conf import settings


def client_ip(request) -> str:
    """The address of whoever connected to our outermost trusted proxy.

    `X-Forwarded-For` is written by whoever sends the request, so it is read only
    when `TRUSTED_PROXY_COUNT` reverse proxies are known to sit in front of the
    application. Each proxy appends the address it received the request from, so
    with N trusted proxies the client is the N-th entry from the right; anything
    to its left was sent by the client and proves nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # Fewer entries than proxies: the chain is not the configured one.
        return remote
    return forwarded[-count]
