"""What notifications adds to the shared parts (core/plugins.py): its demo step."""

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
