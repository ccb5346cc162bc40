"""Defects found in review: each test failed before its fix."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Membership
from activity.models import Event
from surveys import services, views
from surveys.forms import readable
from surveys.models import Audience, QuestionType, Response, ResponseFile, ResponseStatus
from tests.surveys.factories import make_form

SIMPLE = [{"key": "name", "type": QuestionType.SHORT_TEXT, "label": "Name"}]


def test_a_former_member_no_longer_reads_or_answers_the_organisations_form(world, client_for):
    sending = services.send(
        form=make_form(questions=SIMPLE), organisation=world.org, audience=Audience.EVERYONE
    )
    invitation = sending.invitations.get(user=world.member)
    Membership.objects.filter(user=world.member, organisation=world.org).update(is_active=False)
    Membership.objects.create(user=world.member, organisation=world.other_org, role="member")
    client = client_for(world.member)
    assert client.get(invitation.get_absolute_url()).status_code == 404
    response = client.post(invitation.get_absolute_url(), {"action": "submit", "q_name": "x"})
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_an_anonymous_answer_leaves_no_trace_of_who_answered(world):
    form = make_form(questions=SIMPLE, anonymous=True)
    sending = services.send(form=form, organisation=world.org, audience=Audience.EVERYONE)
    invitation = sending.invitations.get(user=world.member)
    services.submit(invitation=invitation, answers={"name": "x"})
    event = Event.objects.get(verb="survey_answered")
    assert event.actor_id is None
    assert "user_id" not in event.data and invitation.token not in str(event.data)
    assert event.target != invitation


def test_a_refused_submit_attaches_no_file_to_the_sent_response(
    world, client_for, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    questions = [{"key": "plan", "type": QuestionType.FILE, "label": "Plan"}]
    sending = services.send(
        form=make_form(questions=questions), organisation=world.org, audience=Audience.EVERYONE
    )
    invitation = sending.invitations.get(user=world.member)
    services.submit(invitation=invitation, answers={})
    # Another tab's submit landed after this page read the invitation.
    monkeypatch.setattr(views, "_response", lambda invitation: None)
    plan = SimpleUploadedFile("plan.txt", b"floor 1", content_type="text/plain")
    client_for(world.member).post(
        invitation.get_absolute_url(), {"action": "submit", "q_plan": plan}
    )
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED and response.answers == {}
    assert not ResponseFile.objects.exists()


def test_a_number_answer_reads_in_the_readers_format(world):
    form = make_form(questions=[{"key": "n", "type": QuestionType.NUMBER, "label": "N"}])
    questions = list(form.versions.get().questions.all())
    with translation.override("es"):
        assert readable(questions, {"n": 1234.5}) == [("N", "1234,5")]


def test_a_negative_number_is_a_number_in_the_csv():
    from surveys.exports import cell

    assert cell(QuestionType.NUMBER, -5) == "-5"
    assert cell(QuestionType.NUMBER, -2.5) == "-2.5"
    assert cell(QuestionType.SHORT_TEXT, "-5") == "'-5"
