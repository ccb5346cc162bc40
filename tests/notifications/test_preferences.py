"""The preferences matrix in the profile: defaults, saving, bad input, and its effect."""

import re

import pytest
from django.urls import reverse

from core import plugins
from notifications import preferences
from notifications.models import Notification, Preference
from tickets import services

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
SAVE = reverse("notifications:preferences")


def _checked(html) -> set[tuple[str, str]]:
    return {
        tuple(value.split(":"))
        for value in re.findall(r'name="enabled" value="([^"]+)" id="[^"]+" checked', html)
    }


def _boxes(html) -> set[tuple[str, str]]:
    return {
        tuple(value.split(":")) for value in re.findall(r'name="enabled" value="([^"]+)"', html)
    }


def test_the_profile_shows_the_defaults_for_a_client(world, client_for):
    # A manager: every client kind reaches them (a member's rows are tested below).
    html = client_for(world.manager).get(PROFILE).content.decode()

    assert 'id="notification-preferences"' in html
    client_kinds = {key for key, kind in plugins.kinds().items() if not kind.staff_only}
    # Telegram is a column only where a bot is configured; here it is not.
    assert _boxes(html) == {(k, c) for k in client_kinds for c in ("portal", "email")}
    assert _checked(html) == {
        (k, c) for k in client_kinds for c in ("portal", "email") if preferences.default(k, c)
    }
    assert ("ticket_replied", "portal") in _checked(html)
    assert ("ticket_replied", "email") not in _checked(html)
    assert "Internal notes" not in html
    assert ">In the portal</th>" in html and ">E-mail</th>" in html


def test_staff_see_the_staff_only_kinds(world, client_for):
    html = client_for(world.agent).get(PROFILE).content.decode()
    assert ("internal_note", "portal") in _boxes(html)
    assert "Internal notes" in html


def test_telegram_is_a_column_once_a_bot_is_configured(world, client_for, settings):
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    settings.TELEGRAM_BOT_USERNAME = "portal_bot"
    html = client_for(world.member).get(PROFILE).content.decode()
    assert ">Telegram</th>" in html
    assert ("ticket_resolved", "telegram") in _checked(html)


def test_saving_stores_the_matrix_and_goes_back_to_the_profile(world, client_for):
    client = client_for(world.member)
    ticked = ["ticket_replied:portal", "ticket_replied:email", "sla:portal"]

    response = client.post(SAVE, {"enabled": ticked})

    assert response.status_code == 302
    assert response["Location"] == PROFILE + "#notification-preferences"
    page = client.get(response["Location"]).content.decode()
    assert "Your notification preferences have been saved." in page
    assert _checked(page) == {
        ("ticket_replied", "portal"),
        ("ticket_replied", "email"),
        ("sla", "portal"),
    }
    wanted = preferences.wanted([world.member.pk], "ticket_replied")[world.member.pk]
    assert wanted == {"portal", "email"}
    assert preferences.wanted([world.member.pk], "ticket_closed")[world.member.pk] == set()


def test_bad_input_is_ignored_and_nothing_breaks(world, client_for):
    client = client_for(world.member)

    response = client.post(
        SAVE,
        {
            "enabled": [
                "ticket_replied:email",
                "no_such_kind:portal",
                "ticket_replied:carrier_pigeon",
                "internal_note:portal",  # staff only: not the client's to choose
                "garbage",
                "",
                "a:b:c",
            ]
        },
    )

    assert response.status_code == 302
    rows = set(Preference.objects.filter(user=world.member).values_list("kind", "channel"))
    assert ("ticket_replied", "email") in rows
    assert not {kind for kind, _ in rows} - set(plugins.kinds())
    assert not {channel for _, channel in rows} - {"portal", "email"}
    assert not Preference.objects.filter(user=world.member, kind="internal_note").exists()
    assert client.get(PROFILE).status_code == 200


def test_saving_nothing_switches_everything_off(world, client_for):
    client_for(world.member).post(SAVE, {})
    assert preferences.wanted([world.member.pk], "ticket_replied")[world.member.pk] == set()


def test_saving_the_defaults_stores_no_rows(world, client_for):
    client = client_for(world.member)
    client.post(SAVE, {"enabled": ["ticket_replied:email"]})
    defaults = [
        f"{kind.key}:{channel}"
        for kind in preferences.kinds_for(world.member)
        for channel in preferences.channel_keys()
        if preferences.default(kind.key, channel)
    ]
    client.post(SAVE, {"enabled": defaults})
    assert not Preference.objects.filter(user=world.member).exists()


def test_a_users_choice_is_their_own(world, client_for):
    client_for(world.member).post(SAVE, {"enabled": []})
    assert Preference.objects.filter(user=world.member).exists()
    assert not Preference.objects.filter(user=world.other_member).exists()
    assert preferences.wanted([world.other_member.pk], "ticket_replied")[world.other_member.pk] == {
        "portal"
    }


def test_switching_replies_off_in_the_portal_empties_the_bell(world, client_for, dispatch):
    client = client_for(world.member)
    keep = [
        f"{kind.key}:{channel}"
        for kind in preferences.kinds_for(world.member)
        for channel in preferences.channel_keys()
        if preferences.default(kind.key, channel) and kind.key != "ticket_replied"
    ]
    client.post(SAVE, {"enabled": keep})
    ticket = services.ticket_open(
        organisation=world.org, requester=world.member, subject="Quiet", description="x"
    )
    services.comment_add(ticket=ticket, author=world.agent, body="Hello")
    dispatch()
    assert not Notification.objects.filter(user=world.member, event__verb="ticket_replied")


def test_wrong_method_and_anonymous(world, client, client_for):
    anonymous = client.post(SAVE, {"enabled": ["sla:portal"]})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert client_for(world.member).get(SAVE).status_code == 405
    assert not Preference.objects.exists()


def test_the_matrix_offers_only_kinds_that_can_reach_the_user(world):
    def keys(user):
        return {kind.key for kind in preferences.kinds_for(user)}

    # Team changes and the hours bank are told to the organisation's managers only.
    assert {"team", "hours_bank"} <= keys(world.manager)
    assert not {"team", "hours_bank", "internal_note"} & keys(world.member)
    assert not {"team", "hours_bank", "internal_note"} & keys(world.partner)
    assert "internal_note" in keys(world.agent)
    assert not {"team", "hours_bank"} & keys(world.agent)
    assert "ticket_replied" in keys(world.member) & keys(world.agent) & keys(world.manager)


def test_saving_keeps_choices_about_kinds_not_shown(world, client_for):
    Preference.objects.create(user=world.member, kind="team", channel="email", enabled=True)
    client_for(world.member).post(SAVE, {"enabled": []})
    assert Preference.objects.filter(user=world.member, kind="team").exists()
