from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = _("Activity")

    def ready(self):
        from accounts.signals import team_changed

        team_changed.connect(_record_team_event, dispatch_uid="activity.team_changed")


def _record_team_event(sender, **kwargs):
    from .services import record_event

    record_event(
        **{key: kwargs[key] for key in ("organisation", "actor", "verb", "target", "data")}
    )
