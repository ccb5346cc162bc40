from celery import shared_task

from core.plugins import BeatJob


@shared_task
def digest() -> int:
    from activity.models import Event

    return Event.objects.filter(verb="notice_posted").count()


BEAT = [BeatJob("plugged-digest", "tests.plugged.tasks.digest", 60 * 60.0, expires=60)]
