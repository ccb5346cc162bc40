"""core.views.act: a service's refusal or success becomes a message, then a redirect."""

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.views import act


def _request():
    request = RequestFactory().post("/act")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level, m.message) for m in get_messages(request)]


def test_success_runs_the_action_says_so_and_redirects():
    request, ran = _request(), []
    response = act(request, "/done/", lambda: ran.append(1), "Saved.")
    assert ran == [1]
    assert response.status_code == 302
    assert response["Location"] == "/done/"
    assert _said(request) == [(SUCCESS, "Saved.")]


def test_a_refusal_shows_every_message_and_no_success():
    def refuse():
        raise ValidationError(["Not now.", "Not you."])

    request = _request()
    response = act(request, "/back/", refuse, "Saved.")
    assert response["Location"] == "/back/"
    assert _said(request) == [(ERROR, "Not now."), (ERROR, "Not you.")]


def test_without_a_success_text_nothing_is_said():
    request = _request()
    act(request, "/done/", lambda: None)
    assert _said(request) == []


def test_other_errors_are_not_swallowed():
    def fail():
        raise RuntimeError("bug")

    request = _request()
    with pytest.raises(RuntimeError):
        act(request, "/done/", fail, "Saved.")
    assert _said(request) == []
