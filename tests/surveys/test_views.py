"""The client's surveys: the list, the form with every question type, drafts, submit once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.models import Audience, Response, ResponseStatus
from tests.surveys.factories import make_form

LIST = reverse("surveys:list")


@pytest.fixture
def invitation(world):
    sending = services.send(form=make_form(), organisation=world.org, audience=Audience.EVERYONE)
    return sending.invitations.get(user=world.member)


def _good(**changes):
    data = {
        "action": "submit",
        "q_name": "Diego",
        "q_story": "Slow every evening.",
        "q_link": "fibre",
        "q_links": ["fibre", "radio"],
        "q_rating": "4",
        "q_nps": "9",
        "q_happy": "yes",
        "q_since": "2026-11-02",
        "q_sites": "3",
        "q_email": "diego@andes.test",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_list_shows_what_waits(world, invitation, client_for):
    page = client_for(world.member).get(LIST).content.decode()
    assert "Quarterly review" in page and invitation.get_absolute_url() in page
    spanish = world.member
    spanish.language = "es"
    spanish.save()
    page = client_for(spanish).get(LIST, headers={"accept-language": "es"}).content.decode()
    assert "Revisión trimestral" in page


def test_a_complete_answer_is_sent_once(world, invitation, client_for):
    client = client_for(world.member)
    url = invitation.get_absolute_url()
    assert client.get(url).status_code == 200
    response = client.post(url, _good())
    assert response.status_code == 302
    answers = Response.objects.get().answers
    assert answers == {
        "name": "Diego",
        "story": "Slow every evening.",
        "link": "fibre",
        "links": ["fibre", "radio"],
        "rating": 4,
        "nps": 9,
        "happy": True,
        "since": "2026-11-02",
        "sites": 3,
        "email": "diego@andes.test",
    }
    again = client.post(url, _good(q_name="Someone else"), follow=True)
    assert "already sent" in again.content.decode()
    assert Response.objects.get().answers["name"] == "Diego"
    page = client.get(url).content.decode()
    assert "Your answers" in page and "Fibre, Radio link" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"q_name": ""}, "q_name", "This field is required."),
        ({"q_rating": "6"}, "q_rating", "Select a valid choice."),
        ({"q_nps": "-1"}, "q_nps", "Select a valid choice."),
        ({"q_link": "satellite"}, "q_link", "Select a valid choice."),
        ({"q_since": "2026-02-30"}, "q_since", "Enter a valid date."),
        ({"q_sites": "0"}, "q_sites", "Ensure this value is greater than or equal to 1."),
        ({"q_sites": "51"}, "q_sites", "Ensure this value is less than or equal to 50."),
        ({"q_sites": "many"}, "q_sites", "Enter a number."),
        ({"q_email": "not-an-address"}, "q_email", "Enter a valid email address."),
        ({"q_name": "x" * 301}, "q_name", "at most 300 characters"),
        ({"q_happy": "no"}, "q_why", "This field is required."),
    ],
)
def test_each_type_is_checked_and_nothing_is_sent(
    world, invitation, client_for, changes, field, message
):
    response = client_for(world.member).post(invitation.get_absolute_url(), _good(**changes))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Response.objects.filter(status=ResponseStatus.SUBMITTED).exists()


def test_messages_are_in_the_readers_language(world, invitation, client_for):
    world.member.language = "es"
    world.member.save()
    client = client_for(world.member)
    response = client.post(invitation.get_absolute_url(), _good(q_name="", q_sites="99"))
    errors = response.context["form"].errors
    assert errors["q_name"] == ["Este campo es obligatorio."]
    assert "menor o igual a 50" in errors["q_sites"][0]


def test_a_condition_not_met_drops_the_answer(world, invitation, client_for):
    client = client_for(world.member)
    client.post(invitation.get_absolute_url(), _good(q_happy="yes", q_why="should not be kept"))
    assert "why" not in Response.objects.get().answers


def test_a_file_answer_goes_through_the_attachment_checks(
    world, invitation, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.member)
    plan = SimpleUploadedFile("plan.txt", b"floor 1: rack", content_type="text/plain")
    assert client.post(invitation.get_absolute_url(), _good(q_plan=plan)).status_code == 302
    assert Response.objects.get().answers["plan"]["name"] == "plan.txt"


def test_a_draft_is_kept_as_the_person_types(world, invitation, client_for):
    client = client_for(world.member)
    url = invitation.get_absolute_url()
    saved = client.post(
        url,
        {"action": "draft", "q_name": "Die", "q_links": ["radio"]},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "Draft saved" in saved.content.decode()
    response = Response.objects.get()
    assert response.status == ResponseStatus.DRAFT
    assert response.answers == {"name": "Die", "links": ["radio"]}
    page = client.get(url).content.decode()
    assert 'value="Die"' in page
    assert "Draft kept" in client.get(LIST).content.decode()


def test_a_closed_form_refuses_answers_and_says_why(world, invitation, client_for):
    sending = invitation.sending
    sending.closed_at = timezone.now()
    sending.save(update_fields=["closed_at"])
    client = client_for(world.member)
    page = client.post(invitation.get_absolute_url(), _good(), follow=True).content.decode()
    assert "closed: answers are no longer accepted" in page
    assert not Response.objects.exists()


def test_anothers_invitation_is_a_404(world, invitation, client_for):
    assert client_for(world.other_member).get(invitation.get_absolute_url()).status_code == 404
    assert client_for(world.manager).get(invitation.get_absolute_url()).status_code == 404
    assert client_for(world.agent).get(LIST).status_code == 404


def test_the_dashboard_shows_what_waits(world, invitation, client_for):
    page = client_for(world.member).get(reverse("portal:dashboard")).content.decode()
    assert "Waiting for your answers" in page and invitation.get_absolute_url() in page


def test_managers_find_their_organisations_shared_results_from_the_list(world, client_for):
    form = make_form(shared_with_client=True)
    sending = services.send(form=form, organisation=world.org, audience=Audience.EVERYONE)
    for person in (world.manager, world.member):
        invitation = sending.invitations.get(user=person)
        services.submit(invitation=invitation, answers={"name": "x", "rating": 4})
    results = reverse("surveys:results", args=[form.pk])
    assert results in client_for(world.manager).get(LIST, {"tab": "answered"}).content.decode()
    assert results not in client_for(world.member).get(LIST, {"tab": "answered"}).content.decode()
