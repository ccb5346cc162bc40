"""Who hears of a survey: the person asked, by e-mail too; in their language."""

from django.utils import translation

from activity.models import Event
from activity.tasks import _dispatch
from notifications.models import Notification
from notifications.render import render
from surveys import services
from surveys.models import Audience
from tests.surveys.factories import make_form


def _rows(verb):
    for event in Event.objects.filter(verb=verb):
        _dispatch(event.pk)
    return set(Notification.objects.filter(event__verb=verb).values_list("user__email", "channel"))


def test_the_person_asked_hears_in_the_portal_and_by_email(world):
    services.send(
        form=make_form(), organisation=world.org, audience=Audience.CHOSEN, chosen=[world.member]
    )
    rows = _rows("survey_sent")
    assert rows == {(world.member.email, "portal"), (world.member.email, "email")}


def test_the_title_is_in_the_readers_language(world):
    services.send(
        form=make_form(), organisation=world.org, audience=Audience.CHOSEN, chosen=[world.member]
    )
    event = Event.objects.get(verb="survey_sent")
    world.member.language = "es"
    with translation.override("es"):
        assert render(event, world.member).headline == "Revisión trimestral espera sus respuestas"
    world.member.language = "en"
    with translation.override("en"):
        assert render(event, world.member).headline == "Quarterly review waits for your answers"


def test_an_answer_is_only_the_answerers_feed(world):
    sending = services.send(form=make_form(), organisation=world.org, audience=Audience.EVERYONE)
    invitation = sending.invitations.get(user=world.member)
    services.submit(invitation=invitation, answers={"name": "x", "rating": 5})
    assert _rows("survey_answered") == set()
