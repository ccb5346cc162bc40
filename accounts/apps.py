from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .roles import sync_staff_groups

        # Permissions themselves are created by a post_migrate handler, so the
        # staff groups that hold them can only be filled in after it.
        post_migrate.connect(sync_staff_groups, dispatch_uid="accounts.sync_staff_groups")

        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import sessions

        # Every sign-in, whichever view made it, gets its row on the session list.
        user_logged_in.connect(
            lambda sender, request, user, **kw: sessions.started(user=user, request=request),
            dispatch_uid="accounts.session_started",
            weak=False,
        )
        user_logged_out.connect(
            lambda sender, request, **kw: sessions.ended(request=request),
            dispatch_uid="accounts.session_ended",
            weak=False,
        )
