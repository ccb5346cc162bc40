"""Sign-in security a person manages: the second step, recovery codes, sessions.

And, for an organisation's managers, whether everyone must use a second step and
the organisation's security events (from the audit trail).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from audit import queries as audit_queries
from audit import services as audit

from . import second_factor, security_keys, sessions
from .access import require_manager
from .forms import (
    RequireSecondFactorForm,
    SecondFactorCodeForm,
    SecondFactorSetupForm,
    SecurityKeyForm,
)
from .models import Membership, User

EVENTS_PER_PAGE = 50


# Sign-in, second step --------------------------------------------------------------


def start_pending(request, user, next_url: str) -> None:
    """The password was right: remember who, until the code comes or time runs out."""
    request.session[second_factor.PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "at": timezone.now().timestamp(),
        "next": next_url,
    }


def pending_sign_in(request):
    """(pending, user) between the password and the second step, or (None, None)."""
    pending = request.session.get(second_factor.PENDING_KEY)
    if not isinstance(pending, dict):
        return None, None
    age = timezone.now().timestamp() - float(pending.get("at", 0))
    if age > settings.SECOND_FACTOR_PENDING_SECONDS:
        request.session.pop(second_factor.PENDING_KEY, None)
        return None, None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return pending, user


def _wrong_code(form, outcome):
    if outcome.wait:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes. Wait %(seconds)d second and try again.",
                "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                outcome.wait,
            )
            % {"seconds": outcome.wait},
        )
        return 429
    form.add_error(
        "code",
        _(
            "That code is not right. Codes change every 30 seconds: type the one "
            "the app shows now, or a recovery code."
        ),
    )
    return 400


@require_http_methods(["GET", "POST"])
def login_verify(request):
    pending, user = pending_sign_in(request)
    if user is None:
        messages.info(request, _("Log in again to continue."))
        return redirect("accounts:login")
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = second_factor.verify(user=user, code=form.cleaned_data["code"])
        if outcome.device is not None:
            del request.session[second_factor.PENDING_KEY]
            login(request, user, backend=pending["backend"])
            second_factor.mark_verified(request, outcome.device)
            if outcome.used_recovery_code:
                _recovery_code_used(request, user)
            return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
        status = _wrong_code(form, outcome)
        audit.record(
            action=audit.Action.SECOND_FACTOR_FAILED,
            request=request,
            actor=user,
            target=user,
            extra={"throttled": bool(outcome.wait)},
        )
    return render_verify(request, user, form, status=status)


def render_verify(request, user, form, *, status=200):
    """The second step's page: the code form, and the key button when they have a key."""
    has_authenticator = second_factor.authenticator(user) is not None
    if not has_authenticator:
        form.fields["code"].help_text = _("One of your recovery codes, for example abcde-fghjk.")
    context = {
        "form": form,
        "key_sign_in": security_keys.has_key(user),
        "has_authenticator": has_authenticator,
    }
    return render(request, "accounts/login_verify.html", context, status=status)


def _recovery_code_used(request, user):
    left = second_factor.recovery_codes_left(user)
    audit.record(
        action=audit.Action.RECOVERY_CODE_USED,
        request=request,
        target=user,
        extra={"left": left},
    )
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code; %(count)d is left. If you lost "
            "your phone, set up the authenticator again on a new one now.",
            "You signed in with a recovery code; %(count)d are left. If you lost "
            "your phone, set up the authenticator again on a new one now.",
            left,
        )
        % {"count": left},
    )


# Setting up ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """Set up (or replace) the authenticator; also where the second step is enforced.

    A session that must pass the second step and has not (its factor was set up
    elsewhere) is asked for a code here instead.
    """
    user = request.user
    required = second_factor.required_for(user, request.access)
    if not second_factor.is_verified(request) and second_factor.has_device(user):
        return _verify_here(request, user)
    key = request.session.get(second_factor.ENROL_KEY)
    if not key or (request.method == "GET" and request.GET.get("new")):
        key = second_factor.new_secret()
        request.session[second_factor.ENROL_KEY] = key
    form = SecondFactorSetupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if second_factor.code_matches_secret(key, form.cleaned_data["code"]):
            del request.session[second_factor.ENROL_KEY]
            codes = second_factor.enable(user=user, key=key, request=request)
            messages.success(request, _("Two-step verification is on."))
            return show_codes(request, codes)
        form.add_error(
            "code",
            _(
                "That code does not match. Check that the phone's clock is right and "
                "type the code the app shows now."
            ),
        )
        status = 400
    uri = second_factor.provisioning_uri(user, key)
    context = {
        "form": form,
        "qr": second_factor.qr_svg(uri, _("QR code to scan with the authenticator app")),
        "secret": second_factor.secret_for_people(key),
        "required": required and not second_factor.is_verified(request),
        "replacing": second_factor.authenticator(user) is not None,
        "has_factor": second_factor.has_device(user),
        "key_form": SecurityKeyForm(initial={"back": "setup"}, auto_id="key_%s"),
    }
    return render(request, "accounts/second_factor_setup.html", context, status=status)


def _verify_here(request, user):
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = second_factor.verify(user=user, code=form.cleaned_data["code"])
        if outcome.device is not None:
            second_factor.mark_verified(request, outcome.device)
            if outcome.used_recovery_code:
                _recovery_code_used(request, user)
            return redirect(settings.LOGIN_REDIRECT_URL)
        status = _wrong_code(form, outcome)
    return render_verify(request, user, form, status=status)


def show_codes(request, codes):
    shown = [second_factor.show_recovery_code(code) for code in codes]
    return render(request, "accounts/recovery_codes.html", {"codes": shown})


@login_required
@require_POST
def recovery_codes_new(request):
    if not second_factor.has_device(request.user):
        raise Http404
    codes = second_factor.regenerate_recovery_codes(user=request.user, request=request)
    messages.success(request, _("New recovery codes made; the old ones no longer work."))
    return show_codes(request, codes)


@login_required
@require_POST
def second_factor_off(request):
    user = request.user
    if not second_factor.has_device(user):
        raise Http404
    if second_factor.required_for(user, request.access):
        messages.error(
            request,
            _("Two-step verification is required for your account; it cannot be turned off."),
        )
        return redirect("accounts:security")
    form = SecondFactorCodeForm(request.POST)
    outcome = form.is_valid() and second_factor.verify(user=user, code=form.cleaned_data["code"])
    if not outcome or outcome.device is None:
        messages.error(
            request, _("Type a current code from the app (or a recovery code) to turn it off.")
        )
        return redirect("accounts:security")
    second_factor.disable(user=user, request=request)
    messages.success(request, _("Two-step verification is off."))
    return redirect("accounts:security")


# The security page: the second step and the sessions --------------------------------


@login_required
def security(request):
    user = request.user
    current = request.session.session_key
    rows = list(sessions.active_for(user))
    for row in rows:
        row.is_current = row.session_key == current
        row.browser = sessions.browser_label(row.user_agent)
    context = {
        "enabled": second_factor.has_device(user),
        "has_authenticator": second_factor.authenticator(user) is not None,
        "keys": list(security_keys.keys_of(user)),
        "key_form": SecurityKeyForm(auto_id="key_%s"),
        "required": second_factor.required_for(user, request.access),
        "codes_left": second_factor.recovery_codes_left(user),
        "sessions": rows,
        "off_form": SecondFactorCodeForm(auto_id="off_%s"),
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def session_end(request, session_id):
    row = sessions.active_for(request.user).filter(pk=session_id).first()
    if row is None:
        raise Http404
    if row.session_key == request.session.session_key:
        return redirect("accounts:logout")
    with transaction.atomic():
        sessions.end(user=request.user, session_key=row.session_key)
        audit.record(
            action=audit.Action.SESSIONS_ENDED,
            request=request,
            target=request.user,
            extra={"count": 1},
        )
    messages.success(request, _("That session has been signed out."))
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end_others(request):
    with transaction.atomic():
        count = sessions.end_others(user=request.user, request=request)
        audit.record(
            action=audit.Action.SESSIONS_ENDED,
            request=request,
            target=request.user,
            extra={"count": count},
        )
    messages.success(
        request,
        ngettext(
            "%(count)d other session has been signed out.",
            "%(count)d other sessions have been signed out.",
            count,
        )
        % {"count": count},
    )
    return redirect("accounts:security")


# The organisation's security, for its managers ------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organisation_security(request):
    organisation = require_manager(request)
    form = RequireSecondFactorForm(
        request.POST or None, initial={"required": organisation.require_second_factor}
    )
    if request.method == "POST" and form.is_valid():
        required = form.cleaned_data["required"]
        if required and not second_factor.is_verified(request):
            messages.error(
                request,
                _("Turn on two-step verification for yourself first, then require it."),
            )
            return redirect("accounts:organisation_security")
        second_factor.organisation_require(
            organisation=organisation, required=required, request=request
        )
        messages.success(request, _requirement_message(required, organisation))
        return redirect("accounts:organisation_security")
    members = list(
        Membership.objects.visible_to(request.user, organisation=organisation)
        .filter(is_active=True)
        .select_related("user")
        .order_by("user__display_name")
    )
    with_factor = second_factor.users_with_device([m.user_id for m in members])
    for membership in members:
        membership.has_factor = membership.user_id in with_factor
    events = Paginator(
        audit_queries.security_events_for(organisation).select_related("actor"),
        EVENTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    context = {"form": form, "members": members, "events": events}
    return render(request, "accounts/organisation_security.html", context)


def _requirement_message(required, organisation):
    if required:
        return _("Two-step verification is now required in %(org)s.") % {"org": organisation}
    return _("Two-step verification is now optional in %(org)s.") % {"org": organisation}
