"""Suggestions beside the new-ticket form, and counting deflections honestly."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge import services
from knowledge.models import Deflection, Visibility
from knowledge.tasks import settle_deflections
from tests.knowledge.factories import article
from tests.tickets.factories import open_ticket


@pytest.fixture
def answer(world):
    return article(
        {"es": ("No tengo internet", "Qué revisar cuando no hay conexión.", "Reinicia el router.")}
    )


def _suggest(client, token, **params):
    return client.get(reverse("knowledge:suggest"), {"d": str(token), **params})


def test_new_ticket_form_has_the_suggestions_panel(world, client_for):
    page = client_for(world.member).get(reverse("tickets:create"))
    html = page.content.decode()
    assert 'id="kb-suggestions"' in html
    assert reverse("knowledge:suggest") in html
    # Nothing is written for a visit until something is shown.
    assert Deflection.objects.count() == 0


def test_suggestions_show_and_record_a_visit(world, client_for, answer):
    token = uuid.uuid4()
    page = _suggest(client_for(world.member), token, subject="no tengo internet")
    assert [hit.text.title for hit in page.context["hits"]] == ["No tengo internet"]
    visit = Deflection.objects.get()
    assert (visit.token, visit.user, visit.organisation, visit.shown) == (
        token,
        world.member,
        world.org,
        [answer.pk],
    )
    _suggest(client_for(world.member), token, subject="no tengo internet ni wifi")
    visit.refresh_from_db()
    assert visit.shown == [answer.pk]
    assert Deflection.objects.count() == 1


def test_no_suggestion_no_visit(world, client_for, answer):
    page = _suggest(client_for(world.member), uuid.uuid4(), subject="xyzzy")
    assert page.context["hits"] == []
    assert Deflection.objects.count() == 0


def test_request_type_linked_articles_come_first(world, client_for, answer):
    from tickets.models import RequestSection, RequestType

    billing = article({"es": ("Leer la factura", "Texto.")})
    section = RequestSection.objects.create(name="Billing")
    kind = RequestType.objects.create(section=section, name="Invoice question")
    billing.request_types.add(kind)
    page = _suggest(
        client_for(world.member), uuid.uuid4(), subject="no tengo internet", request_type=kind.pk
    )
    assert [hit.text.title for hit in page.context["hits"]] == [
        "Leer la factura",
        "No tengo internet",
    ]
    assert Deflection.objects.get().request_type == kind


def test_someone_elses_token_is_never_joined(world, client_for, answer):
    theirs = services.start_deflection(organisation=world.org, user=world.manager)
    page = _suggest(client_for(world.member), theirs.token, subject="no tengo internet")
    mine = page.context["deflection"]
    assert mine.token != theirs.token and mine.user == world.member
    theirs.refresh_from_db()
    assert theirs.shown == []


def test_opening_in_the_panel_and_solving(world, client_for, answer):
    client = client_for(world.member)
    token = uuid.uuid4()
    _suggest(client, token, subject="no tengo internet")
    panel = client.get(reverse("knowledge:article_panel", args=[answer.pk]), {"d": str(token)})
    assert panel.status_code == 200
    assert reverse("knowledge:solved", args=[token, answer.pk]) in panel.content.decode()
    visit = Deflection.objects.get()
    assert visit.opened == [answer.pk]
    done = client.post(reverse("knowledge:solved", args=[token, answer.pk]), HTTP_HX_REQUEST="true")
    assert done.status_code == 200
    visit.refresh_from_db()
    assert (visit.outcome, visit.solved_by, visit.counts) == ("solved", answer, True)


def test_solving_with_an_article_out_of_scope_is_404(world, client_for, answer):
    hidden = article({"es": ("Interno", "Texto.")}, visibility=Visibility.INTERNAL)
    visit = services.start_deflection(organisation=world.org, user=world.member)
    url = reverse("knowledge:solved", args=[visit.token, hidden.pk])
    assert client_for(world.member).post(url).status_code == 404
    visit.refresh_from_db()
    assert visit.outcome == "pending"


def _aged(visit, minutes=31):
    Deflection.objects.filter(pk=visit.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_settling_counts_only_opened_without_a_ticket(world, answer):
    opened = services.start_deflection(organisation=world.org, user=world.member)
    services.deflection_opened(opened, answer)
    ticketed = services.start_deflection(organisation=world.org, user=world.manager)
    services.deflection_opened(ticketed, answer)
    nothing = services.start_deflection(organisation=world.org, user=world.other_member)
    young = services.start_deflection(organisation=world.org, user=world.other_member)
    services.deflection_opened(young, answer)
    for visit in (opened, ticketed, nothing):
        _aged(visit)
    # The manager opened a ticket ten minutes after reading: not a deflection.
    ticket = open_ticket(world, requester=world.manager)
    type(ticket).objects.filter(pk=ticket.pk).update(
        created_at=timezone.now() - timedelta(minutes=21)
    )
    assert settle_deflections() == 3
    outcomes = dict(Deflection.objects.values_list("token", "outcome"))
    assert outcomes == {
        opened.token: "deflected",
        ticketed.token: "ticket",
        nothing.token: "nothing",
        young.token: "pending",
    }
    assert settle_deflections() == 0


def test_a_ticket_after_the_window_does_not_undo_a_deflection(world, answer):
    visit = services.start_deflection(organisation=world.org, user=world.member)
    services.deflection_opened(visit, answer)
    _aged(visit, minutes=90)
    open_ticket(world)
    settle_deflections()
    visit.refresh_from_db()
    assert visit.outcome == "deflected"


def test_solved_stays_solved_when_settled(world, answer):
    visit = services.start_deflection(organisation=world.org, user=world.member)
    services.deflection_solved(visit, answer)
    _aged(visit)
    open_ticket(world)
    settle_deflections()
    visit.refresh_from_db()
    assert visit.outcome == "solved"


def test_suggestions_follow_the_organisation_chosen_in_the_form(world, client_for):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.member, organisation=world.other_org)
    theirs = article(
        {"es": ("Internet caído en Other Co", "Solo para ellos.")},
        visibility=Visibility.ORGANISATIONS,
        organisations=[world.other_org],
    )
    client = client_for(world.member)
    page = _suggest(client, uuid.uuid4(), subject="internet caído")
    assert [hit.article for hit in page.context["hits"]] == []
    token = uuid.uuid4()
    page = _suggest(client, token, subject="internet caído", organisation=world.other_org.pk)
    assert [hit.article for hit in page.context["hits"]] == [theirs]
    visit = Deflection.objects.get()
    assert visit.organisation == world.other_org
    panel = client.get(reverse("knowledge:article_panel", args=[theirs.pk]), {"d": str(token)})
    assert panel.status_code == 200
    # A ticket opened for that organisation within the window: not a deflection.
    ticket = open_ticket(world, organisation=world.other_org)
    type(ticket).objects.filter(pk=ticket.pk).update(
        created_at=timezone.now() - timedelta(minutes=20)
    )
    _aged(visit)
    settle_deflections()
    visit.refresh_from_db()
    assert visit.outcome == "ticket"


def test_an_organisation_not_the_readers_is_ignored(world, client_for, answer):
    page = _suggest(
        client_for(world.member),
        uuid.uuid4(),
        subject="no tengo internet",
        organisation=world.other_org.pk,
    )
    assert page.context["deflection"].organisation == world.org


def test_the_form_shown_again_keeps_its_visit(world, client_for):
    token = uuid.uuid4()
    page = client_for(world.member).post(
        reverse("tickets:create"), {"subject": "", "description": "", "kb_visit": str(token)}
    )
    assert page.status_code == 400
    assert f'value="{token}"' in page.content.decode()
