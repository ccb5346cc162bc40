"""`manage.py demo` loads a working picture for every role, and a second run adds nothing."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from activity.models import Event
from notifications.models import Notification, WebhookDelivery

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Event.objects.count(),
        Notification.objects.count(),
        WebhookDelivery.objects.count(),
    )


def test_demo_is_idempotent_and_gives_every_role_notifications():
    # The categories come from a data migration, which a browser test's flush
    # (TransactionTestCase) may have emptied earlier in the run.
    import_module("tickets.migrations.0002_categories").add_categories(apps, None)
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
    for email in (
        "member@andes.example",
        "manager@andes.example",
        "agent@support.example",
        "supervisor@support.example",
    ):
        user = User.objects.get(email=email)
        unread = Notification.objects.filter(user=user, channel="portal", read_at__isnull=True)
        assert unread.exists(), email
    member = User.objects.get(email="member@andes.example")
    # Internal notes never become a client's notification.
    assert not Notification.objects.filter(user=member, event__visibility="internal").exists()
