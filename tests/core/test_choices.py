"""core.choices: get_FOO_display() from a per-language cache, with Django's answers."""

import pytest
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from core.choices import ChoiceLabels
from tickets.models import Ticket
from tickets.states import Status


def test_a_status_label_follows_the_active_language():
    ticket = Ticket(status=Status.WAITING_ON_CLIENT)
    with translation.override("en"):
        english = ticket.get_status_display()
    with translation.override("es"):
        spanish = ticket.get_status_display()
    with translation.override("en"):
        assert ticket.get_status_display() == english
    assert english == str(Status.WAITING_ON_CLIENT.label)
    assert spanish != english
    with translation.override("es"):
        assert spanish == str(Status.WAITING_ON_CLIENT.label)


@pytest.mark.parametrize("value", ["new", "open", "no-such-status", "", None])
@isolate_apps("tickets")
def test_the_answers_are_djangos(value):
    class Plain(models.Model):
        status = models.CharField(max_length=24, choices=Status.choices, blank=True)

        class Meta:
            app_label = "tickets"
            managed = False

        def __str__(self):
            return self.get_status_display()

    class Cached(ChoiceLabels, models.Model):
        status = models.CharField(max_length=24, choices=Status.choices, blank=True)

        class Meta:
            app_label = "tickets"
            managed = False

        def __str__(self):
            return self.get_status_display()

    with translation.override("fr"):
        assert Cached(status=value).get_status_display() == Plain(status=value).get_status_display()
