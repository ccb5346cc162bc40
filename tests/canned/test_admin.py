"""The staff screens: who manages which replies and signatures, and the picker's endpoints."""

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse

from canned.models import CannedReply, Scope, Signature
from canned.parts import CannedPart
from tests.canned.factories import make_reply, make_signature
from tests.factories import UserFactory
from tests.tickets.factories import open_ticket

SEARCH = reverse("admin:canned_cannedreply_search")
LIST = reverse("admin:canned_cannedreply_changelist")
ADD = reverse("admin:canned_cannedreply_add")


def render_url(reply):
    return reverse("admin:canned_cannedreply_render", args=[reply.pk])


def change(reply):
    return reverse("admin:canned_cannedreply_change", args=[reply.pk])


def texts(**versions):
    data = {"scope": "personal", "group": ""}
    for code in ("en", "es", "pt", "fr"):
        suffix = "" if code == "en" else f"_{code}"
        data[f"title{suffix}"], data[f"body{suffix}"] = versions.get(code, ("", ""))
    return data


@pytest.fixture
def replies(world):
    agents = Group.objects.get(name="agent")
    supervisors = Group.objects.get(name="supervisor")
    return {
        "mine": make_reply(scope=Scope.PERSONAL, owner=world.agent, title={"en": "Mine"}),
        "theirs": make_reply(scope=Scope.PERSONAL, owner=world.supervisor, title={"en": "Theirs"}),
        "team": make_reply(scope=Scope.TEAM, group=agents, title={"en": "Agents team"}),
        "sup_team": make_reply(scope=Scope.TEAM, group=supervisors, title={"en": "Sup team"}),
        "all": make_reply(title={"en": "Everyone"}),
    }


# --- The endpoints ---


def test_search_answers_json_in_the_clients_language(client_for, world, ticket, replies):
    replies["all"].title_es = "Para todos"
    replies["all"].save()
    world.member.language = "es"
    world.member.save()
    response = client_for(world.agent).get(SEARCH, {"q": "todos", "ticket": ticket.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == [
        {
            "id": replies["all"].pk,
            "title": "Para todos",
            "preview": "Hello Diego",
            "scope": "everyone",
            "scope_label": "Everyone",
        }
    ]


def test_search_lists_only_the_agents_own_teams_and_everyones(client_for, world, ticket, replies):
    found = client_for(world.agent).get(SEARCH, {"ticket": ticket.pk}).json()
    assert [r["id"] for r in found] == [
        replies["mine"].pk,
        replies["team"].pk,
        replies["all"].pk,
    ]


@pytest.mark.parametrize("who", ["anonymous", "member", "manager", "bare_staff"])
def test_endpoints_refuse_anyone_but_staff_with_the_permission(client, world, ticket, replies, who):
    if who == "bare_staff":
        client.force_login(UserFactory(is_staff=True))
    elif who != "anonymous":
        client.force_login(getattr(world, who))
    for url in (SEARCH, render_url(replies["all"])):
        response = client.get(url, {"ticket": ticket.pk})
        assert response.status_code == 403, (who, url)
        assert "Hello" not in response.content.decode()
    replies["all"].refresh_from_db()
    assert replies["all"].uses == 0


def test_a_ticket_out_of_reach_is_a_404(client_for, world, ticket, replies):
    # Staff allowed canned replies but not tickets: no ticket of theirs to fill in.
    no_tickets = UserFactory(is_staff=True)
    no_tickets.user_permissions.add(*_perms("view_cannedreply"))
    client = client_for(no_tickets)
    assert client.get(SEARCH, {"ticket": ticket.pk}).status_code == 404
    assert client.get(render_url(replies["all"]), {"ticket": ticket.pk}).status_code == 404
    agent = client_for(world.agent)
    for bad in ("", "abc", "999999", "1e3", "-1"):
        assert agent.get(SEARCH, {"ticket": bad}).status_code == 404, bad
        assert agent.get(render_url(replies["all"]), {"ticket": bad}).status_code == 404, bad


def _perms(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="canned", codename__in=codenames)


def test_render_fills_the_reply_and_counts_its_use(client_for, world, ticket, replies):
    reply = make_reply(body={"en": "Ticket {ticket_number} for {client_name}"})
    world.member.language = "en"
    world.member.save()
    response = client_for(world.agent).get(render_url(reply), {"ticket": ticket.pk})
    assert response.status_code == 200
    assert response.json()["text"] == f"Ticket {ticket.number} for {world.member.display_name}"
    reply.refresh_from_db()
    assert reply.uses == 1


def test_render_of_another_agents_personal_reply_is_a_404(client_for, world, ticket, replies):
    client = client_for(world.agent)
    for name in ("theirs", "sup_team"):
        response = client.get(render_url(replies[name]), {"ticket": ticket.pk})
        assert response.status_code == 404, name
        replies[name].refresh_from_db()
        assert replies[name].uses == 0


# --- The replies' admin ---


def test_agent_lists_own_team_and_everyones_never_another_agents(client_for, world, replies):
    page = client_for(world.agent).get(LIST).content.decode()
    for name in ("Mine", "Agents team", "Everyone"):
        assert name in page
    assert "Theirs" not in page and "Sup team" not in page
    assert client_for(world.agent).get(change(replies["theirs"])).status_code == 302


def test_agent_adds_a_personal_reply_only(client_for, world):
    client = client_for(world.agent)
    response = client.post(ADD, texts(en=("Thanks", "Thank you {client_first_name}")))
    assert response.status_code == 302
    reply = CannedReply.objects.get(title="Thanks")
    assert reply.scope == Scope.PERSONAL and reply.owner == world.agent

    # The scope is not theirs to choose: a forged one is ignored.
    data = {**texts(en=("Shared", "Hello")), "scope": "everyone"}
    assert client.post(ADD, data).status_code == 302
    forged = CannedReply.objects.get(title="Shared")
    assert forged.scope == Scope.PERSONAL and forged.owner == world.agent
    assert "scope" not in client.get(ADD).context["adminform"].form.fields


def test_agent_reads_but_never_changes_shared_replies(client_for, world, replies):
    client = client_for(world.agent)
    response = client.get(change(replies["team"]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    data = {**texts(en=("Changed", "Changed")), "scope": "team", "group": replies["team"].group_id}
    assert client.post(change(replies["team"]), data).status_code == 403
    delete = reverse("admin:canned_cannedreply_delete", args=[replies["all"].pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    replies["team"].refresh_from_db()
    assert replies["team"].title == "Agents team"
    # Their own they change.
    response = client.post(change(replies["mine"]), texts(en=("Mine 2", "Hi")))
    assert response.status_code == 302
    replies["mine"].refresh_from_db()
    assert replies["mine"].title == "Mine 2"


def test_supervisor_manages_team_and_everyones_not_an_agents_personal(client_for, world, replies):
    client = client_for(world.supervisor)
    page = client.get(LIST).content.decode()
    assert "Agents team" in page and "Sup team" in page and "Everyone" in page
    assert "Mine" not in page.replace("Mine 2", "")
    data = {**texts(en=("For all", "Hello {agent_name}")), "scope": "everyone"}
    assert client.post(ADD, data).status_code == 302
    reply = CannedReply.objects.get(title="For all")
    assert reply.scope == Scope.EVERYONE and reply.owner is None
    team = replies["team"]
    data = {**texts(en=("Agents team 2", "Hi")), "scope": "team", "group": team.group_id}
    assert client.post(change(team), data).status_code == 302
    team.refresh_from_db()
    assert team.title == "Agents team 2"


def test_admin_refuses_an_unknown_placeholder_in_the_editors_language(client_for, world):
    world.agent.language = "es"
    world.agent.save()
    data = texts(en=("Hi", "Hello {client_name}"), es=("Hola", "Hola {nombre}"))
    response = client_for(world.agent).post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["body_es"]
    assert "{nombre}" in errors["body_es"][0]
    assert not CannedReply.objects.exists()


# --- Signatures ---


def test_agent_edits_only_their_own_signature(client_for, world):
    client = client_for(world.agent)
    mine = reverse("admin:canned_signature_mine")
    assert client.get(mine)["Location"] == reverse("admin:canned_signature_add")
    listed = client.get(reverse("admin:canned_signature_changelist"))
    assert listed["Location"] == reverse("admin:canned_signature_add")
    add = reverse("admin:canned_signature_add")
    response = client.post(add, {"text": "Ana", "text_es": "Ana ES"})
    assert response.status_code == 302
    signature = Signature.objects.get(user=world.agent)
    assert signature.text_es == "Ana ES"
    assert client.get(mine)["Location"] == reverse(
        "admin:canned_signature_change", args=[signature.pk]
    )
    page = client.get(reverse("admin:canned_signature_change", args=[signature.pk]))
    assert "My signature" in page.content.decode()

    theirs = make_signature(world.supervisor, en="Sergio")
    url = reverse("admin:canned_signature_change", args=[theirs.pk])
    assert client.get(url).status_code == 302  # not in the agent's queryset
    assert client.post(url, {"text": "Hacked"}).status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.text == "Sergio"


def test_supervisor_reads_every_signature_but_changes_only_theirs(client_for, world):
    agents = make_signature(world.agent, en="Ana")
    client = client_for(world.supervisor)
    page = client.get(reverse("admin:canned_signature_changelist"))
    assert page.status_code == 200 and "Ana Agent" in page.content.decode()
    url = reverse("admin:canned_signature_change", args=[agents.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Changed"}).status_code == 403
    agents.refresh_from_db()
    assert agents.text == "Ana"


# --- The picker on the ticket page ---


def test_composer_tools_gives_the_picker_with_its_urls(world, ticket, rf):
    request = rf.get("/")
    request.user = world.agent
    panel = CannedPart().composer_tools(request, ticket, "reply")
    assert panel.template == "canned/_picker.html"
    html = render_to_string(panel.template, {panel.name: panel.context})
    assert f'data-canned-search="{SEARCH}"' in html
    assert 'data-canned-render="/admin/canned/cannedreply/render/"' in html
    assert f'data-ticket="{ticket.pk}"' in html
    assert "canned/picker.js" in html and "canned/picker.css" in html
    assert "<script>" not in html and "style=" not in html
    assert CannedPart().composer_tools(request, ticket, "note") is not None
    assert CannedPart().composer_tools(request, ticket, "other") is None
    request.user = world.member
    assert CannedPart().composer_tools(request, ticket, "reply") is None


def test_a_ticket_of_another_organisation_is_filled_for_its_own_client(client_for, world, replies):
    other = open_ticket(world, organisation=world.other_org, requester=world.outsider)
    reply = make_reply(body={"en": "{organisation}"})
    response = client_for(world.agent).get(render_url(reply), {"ticket": other.pk})
    assert response.json()["text"] == "Other Co"
