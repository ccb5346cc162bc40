"""The browsers a user is signed in on: listed, touched, ended.

Sessions live in PostgreSQL (settings.SESSION_ENGINE); a SignInSession row is
written beside each at sign-in so that a user's sessions can be found. Ending one
deletes the session itself, so the browser is signed out on its next request.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.net import client_ip

from .models import SignInSession

# The session's own clock of activity: the idle timeout reads it, and the
# SignInSession row is touched when it moves on by more than TOUCH_EVERY.
SEEN_KEY = "seen_at"
TOUCH_EVERY = timedelta(minutes=1)


def started(*, user, request) -> None:
    """At sign-in (user_logged_in): one row for the session Django has just cycled."""
    key = request.session.session_key
    if key is None:
        request.session.save()
        key = request.session.session_key
    now = timezone.now()
    request.session[SEEN_KEY] = now.timestamp()
    SignInSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip": client_ip(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def ended(*, request) -> None:
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        SignInSession.objects.filter(session_key=key).delete()


def rekeyed(old_key: str | None, new_key: str | None) -> None:
    """The same browser under a new session key (a password change cycles it)."""
    if old_key and new_key and old_key != new_key:
        SignInSession.objects.filter(session_key=old_key).update(session_key=new_key)


def idle_for(request) -> timedelta | None:
    seen = request.session.get(SEEN_KEY)
    if seen is None:
        return None
    return timezone.now() - datetime.fromtimestamp(seen, tz=UTC)


def touch(request) -> None:
    """Note activity, writing only when a minute has passed since the last note."""
    idle = idle_for(request)
    if idle is not None and idle < TOUCH_EVERY:
        return
    now = timezone.now()
    request.session[SEEN_KEY] = now.timestamp()
    if request.session.session_key:
        SignInSession.objects.filter(session_key=request.session.session_key).update(
            last_seen_at=now
        )


def idle_timeout() -> timedelta | None:
    minutes = settings.SESSION_IDLE_MINUTES
    return timedelta(minutes=minutes) if minutes else None


def active_for(user):
    """The user's sessions that Django still honours, most recently used first."""
    alive = Session.objects.filter(
        session_key=OuterRef("session_key"), expire_date__gt=timezone.now()
    )
    return SignInSession.objects.filter(user=user).filter(Exists(alive))


def end(*, user, session_key: str) -> bool:
    deleted, _ = SignInSession.objects.filter(user=user, session_key=session_key).delete()
    if deleted:
        Session.objects.filter(session_key=session_key).delete()
    return bool(deleted)


def end_others(*, user, request) -> int:
    current = request.session.session_key
    keys = list(
        SignInSession.objects.filter(user=user)
        .exclude(session_key=current)
        .values_list("session_key", flat=True)
    )
    Session.objects.filter(session_key__in=keys).delete()
    SignInSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def end_all(*, user) -> int:
    keys = list(SignInSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    SignInSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def browser_label(user_agent: str) -> str:
    """ "Firefox on Windows": enough for someone to recognise their own device."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Chromium/", "Chromium"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("CrOS", "ChromeOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    return " · ".join(part for part in (browser, system) if part)
