"""What notifications adds to the shared parts (core/plugins.py): its demo step."""

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import DemoStep, Widget


def _demo(demo):
    from . import demo as notifications_demo

    notifications_demo.load(demo.organisations, demo.users)


# Last: it fans out the notifications of the history every other step wrote.
DEMO = DemoStep("notifications", _demo, after=("accounts",), at_end=True)


def _preferences(request, organisation):
    from .views import preferences_context

    return preferences_context(request.user)


def _telegram(request, organisation):
    from .telegram_views import telegram_context

    return telegram_context(request.user) or None


WIDGETS = [
    Widget(
        "notification-preferences",
        "notifications/_preferences.html",
        _preferences,
        10,
        page="profile",
    ),
    Widget("telegram", "notifications/_telegram.html", _telegram, 20, page="profile"),
]

# Everyone on staff sees what was sent to whom, on which channel, and why a
# delivery failed (notifications, webhook deliveries, Telegram links, preferences).
_VIEW_NOTIFICATIONS = [
    "notifications.view_notification",
    "notifications.view_webhookdelivery",
    "notifications.view_telegramlink",
    "notifications.view_preference",
]

# Supervisors send failed deliveries again (the admin's only change to them: the
# change permission, the forms stay read-only) and manage the organisations'
# webhook endpoints, whose signing secrets agents never see.
_MANAGE_NOTIFICATIONS = [
    "notifications.change_notification",
    "notifications.change_webhookdelivery",
    "notifications.view_webhookendpoint",
    "notifications.add_webhookendpoint",
    "notifications.change_webhookendpoint",
    "notifications.delete_webhookendpoint",
]

STAFF = {AGENT: _VIEW_NOTIFICATIONS, SUPERVISOR: [*_VIEW_NOTIFICATIONS, *_MANAGE_NOTIFICATIONS]}
