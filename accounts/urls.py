from django.contrib.auth import views as auth_views
from django.urls import path

from . import security_key_views, security_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", security_views.login_verify, name="login_verify"),
    path("login/verify/key/", security_key_views.sign_in, name="security_key_sign_in"),
    path(
        "login/verify/key/options/",
        security_key_views.sign_in_options,
        name="security_key_sign_in_options",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("security/", security_views.security, name="security"),
    path("security/two-step/", security_views.second_factor_setup, name="second_factor_setup"),
    path("security/two-step/off/", security_views.second_factor_off, name="second_factor_off"),
    path("security/recovery-codes/", security_views.recovery_codes_new, name="recovery_codes_new"),
    path("security/keys/", security_key_views.register, name="security_key_register"),
    path(
        "security/keys/options/",
        security_key_views.register_options,
        name="security_key_register_options",
    ),
    path(
        "security/keys/<int:key_id>/remove/",
        security_key_views.remove,
        name="security_key_remove",
    ),
    path("security/sessions/<int:session_id>/end/", security_views.session_end, name="session_end"),
    path(
        "security/sessions/end-others/",
        security_views.sessions_end_others,
        name="sessions_end_others",
    ),
    path(
        "team/security/",
        security_views.organisation_security,
        name="organisation_security",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("language/", views.language_switch, name="language_switch"),
    path("switch/<int:organisation_id>/", views.organisation_switch, name="organisation_switch"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path("team/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("team/<int:membership_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("team/<int:membership_id>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path(
        "team/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
