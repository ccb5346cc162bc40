"""Security keys: adding and removing them, and signing in with one.

Each ceremony is two requests: a POST for the options (JSON, read by
static/accounts/webauthn.js), then an ordinary form POST carrying the browser's
answer, so that success and failure end as any form does (a redirect with a
message, or the recovery codes page).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import services as audit

from . import second_factor, security_keys
from .forms import SecurityKeyAssertionForm, SecurityKeyForm
from .security_views import pending_sign_in, show_codes

BACK = {"security": "accounts:security", "setup": "accounts:second_factor_setup"}


def _json(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/json")


def _may_add_key(request):
    """A session that has not passed the second step adds nothing to a protected account."""
    user = request.user
    if second_factor.has_device(user) and not second_factor.is_verified(request):
        raise Http404
    return user


def _refused_message():
    return _("The key was not accepted; try again.")


# Adding and removing -------------------------------------------------------------------


@login_required
@require_POST
def register_options(request):
    user = _may_add_key(request)
    return _json(security_keys.registration_options(user=user, request=request))


@login_required
@require_POST
def register(request):
    user = _may_add_key(request)
    form = SecurityKeyForm(request.POST)
    back = BACK.get(request.POST.get("back"), "accounts:security")
    if not form.is_valid():
        if "credential" in form.errors:
            messages.error(request, _("Security keys do not work in this browser."))
        else:
            messages.error(request, _("Give the key a name (60 characters at most)."))
        return redirect(back)
    try:
        key, codes = security_keys.register(
            user=user,
            request=request,
            credential=form.cleaned_data["credential"],
            name=form.cleaned_data["name"],
        )
    except security_keys.KeyRefused:
        messages.error(request, _refused_message())
        return redirect(back)
    messages.success(request, _("Security key “%(name)s” added.") % {"name": key.name})
    if codes:
        messages.success(request, _("Two-step verification is on."))
        return show_codes(request, codes)
    return redirect("accounts:security")


@login_required
@require_POST
def remove(request, key_id):
    user = request.user
    key = security_keys.keys_of(user).filter(pk=key_id).first()
    if key is None:
        raise Http404
    if security_keys.is_last_factor(user, key) and second_factor.required_for(user, request.access):
        messages.error(
            request,
            _(
                "Two-step verification is required for your account: add another key or "
                "the authenticator app before removing this one."
            ),
        )
        return redirect("accounts:security")
    last = security_keys.remove(user=user, key=key, request=request)
    messages.success(request, _("Security key “%(name)s” removed.") % {"name": key.name})
    if last:
        messages.info(request, _("It was your only second factor: two-step verification is off."))
    return redirect("accounts:security")


# Signing in ------------------------------------------------------------------------------


def _signing_in(request):
    """(user, pending): after the password (pending), or a signed-in session that must
    still pass the second step (pending is None); (None, None) otherwise."""
    pending, user = pending_sign_in(request)
    if user is not None:
        return user, pending
    user = request.user
    if (
        user.is_authenticated
        and not second_factor.is_verified(request)
        and security_keys.has_key(user)
    ):
        return user, None
    return None, None


@require_POST
def sign_in_options(request):
    user, _pending = _signing_in(request)
    options = user and security_keys.authentication_options(user=user, request=request)
    if not options:
        raise Http404
    return _json(options)


@require_POST
def sign_in(request):
    user, pending = _signing_in(request)
    if user is None:
        messages.info(request, _("Log in again to continue."))
        return redirect("accounts:login")
    form = SecurityKeyAssertionForm(request.POST)
    try:
        if not form.is_valid():
            raise security_keys.KeyRefused("no credential")
        key = security_keys.authenticate(
            user=user, request=request, credential=form.cleaned_data["credential"]
        )
    except security_keys.KeyRefused as refused:
        audit.record(
            action=audit.Action.SECOND_FACTOR_FAILED,
            request=request,
            actor=user,
            target=user,
            extra={
                "kind": security_keys.KIND,
                "name": refused.key.name if refused.key else None,
                "reason": refused.reason,
            },
        )
        messages.error(request, _refused_message())
        return redirect("accounts:login_verify" if pending else "accounts:second_factor_setup")
    if pending is not None:
        del request.session[second_factor.PENDING_KEY]
        login(request, user, backend=pending["backend"])
        next_url = pending.get("next")
    else:
        next_url = None
    second_factor.mark_verified(request, key)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
