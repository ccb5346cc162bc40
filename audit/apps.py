from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        # django.contrib.auth's own signals: every sign-in path (the login form,
        # the admin's, a test client's) passes through them.
        from django.contrib.auth import signals

        from . import receivers

        signals.user_logged_in.connect(receivers.signed_in, dispatch_uid="audit_signin")
        signals.user_logged_out.connect(receivers.signed_out, dispatch_uid="audit_signout")
        signals.user_login_failed.connect(
            receivers.signin_failed, dispatch_uid="audit_signin_failed"
        )
