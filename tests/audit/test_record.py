"""audit.services.record: who, when, from where, what, in the caller's transaction."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from accounts.services import membership_change_role
from audit import context
from audit.models import Action, AuditEntry
from audit.services import HIDDEN, record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_from(address="198.51.100.4", user=None, **meta):
    request = RequestFactory().post("/somewhere/", REMOTE_ADDR=address, **meta)
    request.user = user or AnonymousUser()
    return request


def test_the_request_says_who_from_where_and_with_what(world):
    request = request_from(user=world.agent, HTTP_USER_AGENT="x" * 500)
    request.request_id = "req-42"
    entry = record(action=Action.EXPORT, request=request, target=world.org)
    assert entry.actor == world.agent
    assert entry.actor_label == "agent@support.test"
    assert entry.actor_is_staff
    assert entry.ip == "198.51.100.4"
    assert len(entry.user_agent) == 300
    assert entry.request_id == "req-42"
    assert entry.target_type.model == "organisation"
    assert entry.target_id == str(world.org.pk)
    assert entry.target_label == "Andes Fibra"
    assert entry.at is not None


def test_the_client_address_is_the_trusted_proxys_not_what_the_client_wrote(settings, world):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert record(action=Action.SIGNIN_FAILED, request=request).ip == "203.0.113.9"


def test_an_address_that_is_not_one_is_left_empty(world):
    assert record(action=Action.EXPORT, request=request_from("not-an-ip")).ip is None


def test_secrets_are_recorded_as_changed_never_with_their_values(world):
    entry = record(
        action=Action.ADMIN_CHANGE,
        actor=world.supervisor,
        changes={"password": ["hash1", "hash2"], "api_token": ["a", "b"], "name": ["A", "B"]},
        extra={"signing_secret": "s3cr3t", "key": "k", "rows": 2},
    )
    entry.refresh_from_db()
    assert entry.changes == {
        "password": [HIDDEN, HIDDEN],
        "api_token": [HIDDEN, HIDDEN],
        "name": ["A", "B"],
    }
    assert entry.extra == {"signing_secret": HIDDEN, "key": HIDDEN, "rows": 2}


def test_values_are_kept_json_safe_and_short(world):
    entry = record(
        action=Action.ADMIN_CHANGE,
        changes={"organisation": [None, world.org], "body": ["", "y" * 1000]},
    )
    entry.refresh_from_db()
    assert entry.changes["organisation"] == [None, world.org.pk]
    assert len(entry.changes["body"][1]) == 200


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError, match="Unknown audit action"):
        record(action="coffee_made")


def test_the_row_rolls_back_with_the_change_it_records(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=Action.EXPORT, actor=world.agent)
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.exists()


def test_a_service_called_during_a_request_records_where_from(world):
    # accounts' services take the person acting, not the request: the middleware
    # (audit.context) gives the row the request's address.
    def view_calls_service(request):
        membership = world.member.memberships.get()
        membership_change_role(membership=membership, role="manager", by=world.manager)
        return "response"

    request = request_from("203.0.113.77", user=world.manager)
    assert context.RequestContextMiddleware(view_calls_service)(request) == "response"
    entry = AuditEntry.objects.get(action=Action.ROLE_CHANGED)
    assert entry.ip == "203.0.113.77" and entry.actor == world.manager
    assert context.current_request() is None


def test_without_a_request_the_row_has_no_address(world):
    entry = record(action=Action.EXPORT, actor=UserFactory())
    assert entry.ip is None and entry.user_agent == "" and entry.request_id == ""
