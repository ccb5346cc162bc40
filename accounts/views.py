from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit import services as audit
from core import i18n, plugins
from core.views import act

from . import second_factor, security_views, services, sessions, throttle
from .access import SESSION_KEY, require_manager
from .forms import (
    InvitationForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    RoleForm,
)
from .models import Invitation, Membership, Organisation, User
from .tokens import invitation_id_from_token


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if second_factor.has_device(user):
            # Not signed in yet: only once the code is right (security_views.login_verify).
            security_views.start_pending(self.request, user, self.get_success_url())
            return redirect("accounts:login_verify")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """POST logs out; a GET (a typed or bookmarked URL) asks first instead of failing."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/logout_confirm.html")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Counted whether or not the address has an account, so the answer
        # tells nobody which addresses exist.
        window = settings.PASSWORD_RESET_LIMIT_WINDOW
        email = throttle.normalised_email(form.cleaned_data["email"])
        per_email = throttle.over_limit(
            f"reset:email:{email}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL, window
        )
        per_client = throttle.over_limit(
            f"reset:ip:{throttle.client_ip(self.request)}",
            settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
            window,
        )
        if per_email or per_client:
            form.add_error(
                None,
                _(
                    "Too many password reset requests. Check your inbox for the link "
                    "already sent, or try again in an hour."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # Whoever knew the old password is signed out everywhere; the second step
        # still comes at the next sign-in (post_reset_login stays off).
        with transaction.atomic():
            response = super().form_valid(form)
            ended = sessions.end_all(user=form.user)
            audit.record(
                action=audit.Action.PASSWORD_RESET,
                request=self.request,
                actor=form.user,
                target=form.user,
                extra={"sessions_ended": ended},
            )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        with transaction.atomic():
            before = self.request.session.session_key
            response = super().form_valid(form)
            # The session was given a new key to go on with the new password.
            sessions.rekeyed(before, self.request.session.session_key)
            # Django's session hash already refuses the others on their next request;
            # deleting them also takes them off the session list at once.
            ended = sessions.end_others(user=self.request.user, request=self.request)
            audit.record(
                action=audit.Action.PASSWORD_CHANGED,
                request=self.request,
                target=self.request.user,
                extra={"sessions_ended": ended},
            )
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(
        request.POST or None, instance=request.user, organisation=request.access.active
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.profile_update(
            user=request.user,
            display_name=data["display_name"],
            language=data["language"],
            timezone=data["timezone"],
            phone=data["phone"],
        )
        translation.activate(i18n.user_language(request.user))
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    request.user.refresh_from_db()
    # The sections other apps add (notifications: the preferences, Telegram).
    panels = plugins.panels(request, request.access.active, page="profile")
    return render(request, "accounts/profile.html", {"form": form, "panels": panels})


@login_required
@require_POST
def language_switch(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        services.language_set(user=request.user, language=form.cleaned_data["language"])
    return redirect(_safe_next(request, "portal:home"))


@login_required
@require_POST
def organisation_switch(request, organisation_id):
    organisation = next((o for o in request.access.organisations if o.pk == organisation_id), None)
    if organisation is None:
        raise Http404
    request.session[SESSION_KEY] = organisation.pk
    return redirect(_safe_next(request, "portal:dashboard"))


def _safe_next(request, default) -> str:
    """The URL to go back to: `next` if it is a path on this site, else `default`'s URL.

    Always a URL, never handed to redirect() as a view name: a `next` such as
    "home" would otherwise be reversed and fail.
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


# Team management: the active organisation's managers only.


def _get_membership_for_manager(request, membership_id) -> Membership:
    # Scope first, so that an id from elsewhere is a 404 whatever the role.
    membership = get_object_or_404(
        Membership.objects.visible_to(
            request.user, organisation=request.access.active
        ).select_related("user", "organisation"),
        pk=membership_id,
    )
    require_manager(request)
    return membership


def _render_team(request, organisation, invite_form, status=200):
    return render(
        request,
        "accounts/team.html",
        {
            "memberships": Membership.objects.visible_to(request.user, organisation=organisation)
            .select_related("user")
            .order_by("-is_active", "user__display_name"),
            "invitations": Invitation.objects.visible_to(request.user, organisation=organisation)
            .pending()
            .select_related("invited_by"),
            "invite_form": invite_form,
            "invitation_ttl_days": settings.INVITATION_TTL_DAYS,
        },
        status=status,
    )


@login_required
def team(request):
    organisation = require_manager(request)
    return _render_team(request, organisation, InvitationForm())


@login_required
@require_POST
def team_invite(request):
    organisation = require_manager(request)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:team")
    return _render_team(request, organisation, form, status=400)


@login_required
@require_POST
def member_role(request, membership_id):
    membership = _get_membership_for_manager(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("accounts:team")
    return act(
        request,
        "accounts:team",
        lambda: services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        ),
        _("%(name)s's role has been changed.") % {"name": membership.user},
    )


@login_required
@require_POST
def member_deactivate(request, membership_id):
    membership = _get_membership_for_manager(request, membership_id)
    return act(
        request,
        "accounts:team",
        lambda: services.membership_deactivate(membership=membership, by=request.user),
        _("%(name)s can no longer use the portal for this organisation.")
        % {"name": membership.user},
    )


@login_required
@require_POST
def member_reactivate(request, membership_id):
    membership = _get_membership_for_manager(request, membership_id)
    return act(
        request,
        "accounts:team",
        lambda: services.membership_reactivate(membership=membership, by=request.user),
        _("%(name)s has been reactivated.") % {"name": membership.user},
    )


@login_required
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user, organisation=request.access.active).pending(),
        pk=invitation_id,
    )
    require_manager(request)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("accounts:team")


def _get_invitation_by_token(token) -> Invitation:
    invitation_id = invitation_id_from_token(token)
    if invitation_id is None:
        raise Http404
    return get_object_or_404(
        Invitation.objects.select_related("organisation").filter(organisation__is_active=True),
        pk=invitation_id,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The link in an invitation e-mail: join, or create an account and join."""
    invitation = _get_invitation_by_token(token)
    organisation: Organisation = invitation.organisation
    context = {"invitation": invitation, "organisation": organisation}
    if not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", context, status=410)
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect("portal:home")
            request.session[SESSION_KEY] = organisation.pk
            messages.success(request, _("Welcome to %(org)s.") % {"org": organisation})
            return redirect("portal:dashboard")
        return render(request, "accounts/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_needed"] = True
        return render(request, "accounts/invitation_accept.html", context)
    translation.activate(i18n.language_for(organisation.default_language, organisation.timezone))
    form = RegistrationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.user_register_from_invitation(
                invitation=invitation,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = organisation.pk
            return redirect("portal:dashboard")
    context["form"] = form
    return render(request, "accounts/invitation_register.html", context)
