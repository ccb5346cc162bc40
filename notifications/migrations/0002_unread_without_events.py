from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def copy_event_visibility(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Event = apps.get_model("activity", "Event")
    public = Event.objects.filter(pk=OuterRef("event_id"), visibility="public")
    Notification.objects.update(event_public=Exists(public))


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="event_public",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(copy_event_visibility, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="notification",
            name="notification_unread",
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("channel", "portal"), ("read_at__isnull", True)),
                fields=["user", "event_public"],
                name="notification_unread",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(
                    ("announced_at__isnull", True), ("channel", "portal"), ("read_at__isnull", True)
                ),
                fields=["user"],
                name="notification_unannounced",
            ),
        ),
    ]
