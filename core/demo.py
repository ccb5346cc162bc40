"""Demo only: a history told through the services, each step at the moment it happened.

`dated(when, *subjects)` sets the clock the services read (django.utils.timezone.now)
to `when` for the block, so what they write is dated then, and nothing is dated
after now. A model default (`default=timezone.now`) keeps the real clock: the rows
it stamped inside the block are moved to `when` afterwards.

Apps whose records move with time by themselves connect to the two signals (in
their AppConfig.ready()), so that the apps telling the story need not know them:
- `before_dated` (when, subjects): bring the subjects the block is about to change
  up to `when` (sla: the warnings and breaches its sweep would have sent by then);
- `after_dated` (since, when): the block is over; rows written since `since` (the
  real moment it began) are not yet moved to `when` (sla: a breach recorded in the
  block happened at its deadline).
"""

from contextlib import contextmanager

from django.apps import apps
from django.db.models import DateTimeField
from django.dispatch import Signal
from django.utils import timezone

before_dated = Signal()
after_dated = Signal()


@contextmanager
def dated(when, *subjects):
    """What the services do inside the block happens at `when` (never in the future)."""
    real_now = timezone.now
    if when > real_now():
        raise ValueError(f"The demo's history cannot happen in the future ({when}).")
    before_dated.send(dated, when=when, subjects=subjects)
    since = real_now()
    timezone.now = lambda: when
    try:
        yield
    finally:
        timezone.now = real_now
    after_dated.send(dated, since=since, when=when)
    until = real_now()
    for model, field in _stamped(real_now):
        # Only what the block stamped: a row dated in the future on purpose (an article
        # scheduled for next week) keeps its date.
        model.objects.filter(**{f"{field}__range": (since, until)}).update(**{field: when})


def _stamped(real_now):
    """Every (model, column) a model default stamps with the real clock."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, DateTimeField) and field.default is real_now
    ]
