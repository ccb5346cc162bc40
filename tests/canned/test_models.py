"""A reply's text is checked when saved: only known placeholders, no stray braces."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from canned import placeholders
from canned.models import CannedReply, Scope
from tests.canned.factories import make_reply


def test_known_placeholders_and_escaped_braces_pass():
    text = "Hi {client_name} ({organisation}), see {{json}} by {sla_deadline}"
    assert placeholders.problems(text) == ([], [])


def test_unknown_placeholders_are_named_once_each():
    unknown, stray = placeholders.problems("{client} {ticket.number} {client} {__class__}")
    assert unknown == ["{client}", "{ticket.number}", "{__class__}"]
    assert stray == []


def test_a_lone_brace_is_shown_where_it_is():
    _unknown, stray = placeholders.problems("Dear {client_name, see you")
    assert stray == ["Dear {client_nam"]
    assert placeholders.problems("done }")[1] == ["done }"]


@pytest.mark.django_db
def test_saving_a_reply_with_an_unknown_placeholder_is_refused_on_its_language(world):
    reply = CannedReply(
        scope=Scope.EVERYONE,
        title="Greeting",
        body="Hello {client_name}",
        body_es="Hola {nombre_cliente} y {cliente",
    )
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        reply.full_clean()
    errors = refused.value.message_dict
    assert set(errors) == {"body_es"}
    message = " ".join(errors["body_es"])
    assert "{nombre_cliente}" in message
    assert "{client_name}" in message  # the known ones are listed for the fix
    assert CannedReply.objects.count() == 0


@pytest.mark.django_db
def test_a_reply_needs_a_text_and_a_title_in_some_language(world):
    with pytest.raises(ValidationError) as refused:
        CannedReply(scope=Scope.EVERYONE).full_clean()
    assert {"title", "body"} <= set(refused.value.message_dict)
    make_reply(title={"fr": "Salut"}, body={"fr": "Bonjour"})  # French only is enough


@pytest.mark.django_db
def test_scope_needs_its_owner_or_team_and_drops_the_other(world):
    from django.contrib.auth.models import Group

    team = Group.objects.get(name="agent")
    with pytest.raises(ValidationError) as refused:
        CannedReply(scope=Scope.TEAM, title="T", body="B").full_clean()
    assert "group" in refused.value.message_dict
    reply = make_reply(scope=Scope.EVERYONE, group=team, owner=world.agent)
    assert reply.group is None and reply.owner is None


def test_fill_substitutes_only_known_names_and_never_evaluates():
    values = {"client_name": "Ana {agent_name}", "agent_name": "X"}
    text = "{client_name} {client_name.__class__} {{client_name}} {unknown}"
    # A value's own braces are not read again; attribute access stays text.
    assert placeholders.fill(text, values) == (
        "Ana {agent_name} {client_name.__class__} {client_name} {unknown}"
    )
