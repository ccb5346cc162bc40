from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import i18n

from . import second_factor, sessions
from .access import SESSION_KEY, PortalAccess, load_access
from .configtext import organisation_language

# Paths that must answer without touching the session or the database.
EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics")


class PortalAccessMiddleware:
    """Per request: the user's language and time zone, and what they may act for.

    Sets `request.access` (a PortalAccess). A client whose account, memberships
    or organisations have all been deactivated is logged out here, on the next
    request after the change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = PortalAccess()
        if request.path_info.startswith(EXEMPT_PATHS):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            language = i18n.user_language(user)
        else:
            # The visitor's pick (cookie or browser), with its region for dates.
            language = i18n.language_for(translation.get_language())
        translation.activate(language)
        request.LANGUAGE_CODE = language
        if user.is_authenticated:
            zone = i18n.zone(user.timezone)
            if zone is None:
                timezone.deactivate()
            else:
                timezone.activate(zone)
            if not user.is_staff:
                request.access = load_access(user, request.session.get(SESSION_KEY))
                if request.access.active is None:
                    logout(request)
                    messages.error(
                        request,
                        _(
                            "Your access to the portal has been deactivated. "
                            "Contact your organisation's manager."
                        ),
                    )
                    return redirect("accounts:login")
        # Texts staff configure fall back to the organisation's language first.
        active = request.access.active
        with organisation_language(active.default_language if active else None):
            response = self.get_response(request)
        timezone.deactivate()
        return response


class NoStoreWhenSignedInMiddleware:
    """Nothing a signed-in person sees is kept by a browser or proxy cache.

    On a shared computer, pages and files from behind the login would otherwise
    stay readable from the cache after logout.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(EXEMPT_PATHS):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


def _redirect(request, url):
    # htmx follows a plain redirect and would swap the whole page into a fragment.
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionActivityMiddleware:
    """Idle sessions end (SESSION_IDLE_MINUTES); the session list learns when each was used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(EXEMPT_PATHS) and request.user.is_authenticated:
            timeout = sessions.idle_timeout()
            idle = sessions.idle_for(request)
            if timeout is not None and idle is not None and idle > timeout:
                sessions.ended(request=request)
                logout(request)
                messages.info(
                    request, _("You were signed out after a while without activity. Log in again.")
                )
                login = reverse("accounts:login")
                return _redirect(request, f"{login}?{urlencode({'next': request.get_full_path()})}")
            sessions.touch(request)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Nobody who must have a second factor acts without it.

    Staff (the admin as well: config/admin.py refuses them too) and the members of
    an organisation that requires it are sent to set up their authenticator (or a
    security key) until their session has passed the second step; only the set-up
    page itself, the key's own requests, the language switch and logging out
    answer meanwhile.
    """

    ALLOWED = {
        "accounts:second_factor_setup",
        # A security key instead of the app: adding the first, or signing in with one.
        "accounts:security_key_register_options",
        "accounts:security_key_register",
        "accounts:security_key_sign_in_options",
        "accounts:security_key_sign_in",
        "accounts:logout",
        "accounts:language_switch",
        "set_language",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(EXEMPT_PATHS):
            return self.get_response(request)
        user = request.user
        if (
            user.is_authenticated
            and not second_factor.is_verified(request)
            and second_factor.required_for(user, request.access)
        ):
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = None
            if name not in self.ALLOWED:
                return _redirect(request, reverse("accounts:second_factor_setup"))
        return self.get_response(request)
