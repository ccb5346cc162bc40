"""Inputs a fuzzer found: each answers a page or a message, never a 500."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.services import record_export
from tests.tickets.factories import TicketFactory

NUMBER = "TKT-2026-00024"


@pytest.fixture
def ticket(world):
    return TicketFactory(
        organisation=world.org, requester=world.member, number=NUMBER, subject="Fibre cut"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/tickets/?q=²",
        "/tickets/live/?q=²",
        "/tickets/?q=٣",
        "/tickets/?q=99999999999999999999999",
        "/tickets/?page=²",
        "/tickets/new/?request_type=²",
        "/tickets/new/?request_type=٣",
        "/activity/live/?after=²",
    ],
)
def test_unicode_digits_are_not_numbers(client, world, ticket, url):
    client.force_login(world.member)
    response = client.get(url)
    assert response.status_code in (200, 400)


def test_a_search_for_a_unicode_digit_finds_nothing_by_number(client, world, ticket):
    client.force_login(world.member)
    assert NUMBER in client.get("/tickets/?q=24").content.decode()  # positive control
    assert NUMBER not in client.get("/tickets/?q=²4").content.decode()


def test_posting_a_unicode_digit_as_request_type_redisplays_the_form(client, world):
    client.force_login(world.member)
    response = client.post("/tickets/new/", {"request_type": "²", "subject": "x"})
    assert response.status_code == 400
    assert "tickets/create.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(
    "suffix",
    [
        "",
        "live/",
        "close/",
        "reopen/",
        "mute/",
        "rate/",
        "watchers/",
        "attachments/1/",
        "diagram/",
        "diagram/editor/",
        "escalate/",
        "call/",
        "watchers/1/remove/",
        "tasks/1/done/",
    ],
)
def test_a_nul_byte_in_a_ticket_number_is_a_404(client, world, ticket, suffix):
    client.force_login(world.member)
    assert client.get(f"/tickets/{NUMBER}/").status_code == 200  # positive control
    response = client.get(f"/tickets/{NUMBER}%00/{suffix}")
    assert response.status_code == 404
    assert client.post(f"/tickets/{NUMBER}%00/{suffix}").status_code == 404


def test_a_long_search_is_cut_to_the_box_length(client, world, ticket):
    client.force_login(world.member)
    response = client.get("/tickets/", {"q": "Fibre cut" + "x" * 5000})
    assert response.status_code == 200
    assert 'maxlength="100"' in response.content.decode()
    assert response.context["form"].cleaned_data["q"] == ("Fibre cut" + "x" * 5000)[:100]
    assert "Only the first 100 characters of your search were used." in response.content.decode()
    # A search that fits says nothing of the kind.
    fits = client.get("/tickets/", {"q": "Fibre cut"}).content.decode()
    assert "of your search" not in fits


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_far_off_feed_dates_are_refused_with_a_message(client, world, field, value):
    client.force_login(world.member)
    response = client.get("/activity/", {field: value})
    assert response.status_code == 400
    # British English (a member outside the US): the dates as the reader writes them.
    assert "Choose a date between 01/01/2000 and 31/12/2099." in response.content.decode()
    live = client.get("/activity/live/", {"after": "0", field: value})
    assert live.status_code == 400


def test_the_date_range_message_is_in_the_readers_language_and_format(client, world):
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    client.force_login(world.member)
    response = client.get("/activity/", {"date_to": "9999-12-31"})
    assert "Elige una fecha entre el 01/01/2000 y el 31/12/2099." in response.content.decode()


def test_a_feed_date_inside_the_range_filters(client, world):
    client.force_login(world.member)
    assert client.get("/activity/", {"date_to": "2099-12-31"}).status_code == 200


def test_an_unknown_feed_parameter_neither_filters_nor_says_so(client, world):
    client.force_login(world.member)
    response = client.get("/activity/", {"since": "275760-09-13"})
    assert response.status_code == 200
    assert response.context["filtered"] is False
    assert "since" not in response.context["query"]


@pytest.mark.parametrize("period", ["garbage", "9999-12-01", "2025-13-45", "²"])
def test_an_unknown_contract_period_says_the_current_one_is_shown(client, world, contract, period):
    client.force_login(world.manager)
    url = reverse("contracts:detail", args=[contract.pk])
    assert "no such period" not in client.get(url).content.decode()  # positive control
    response = client.get(url, {"period": period})
    assert response.status_code == 200
    assert "This contract has no such period" in response.content.decode()


@pytest.mark.parametrize("target", ["home", "evil", "javascript:alert(1)", "//evil.example/"])
def test_language_switch_ignores_a_next_that_is_not_a_local_path(client, world, target):
    client.force_login(world.member)
    response = client.post(reverse("accounts:language_switch"), {"language": "fr", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    world.member.refresh_from_db()
    assert world.member.language == "fr"


def test_language_switch_follows_a_local_next(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("accounts:language_switch"), {"language": "fr", "next": "/tickets/?q=x"}
    )
    assert response["Location"] == "/tickets/?q=x"


def test_organisation_switch_ignores_a_next_that_is_not_a_local_path(client, world):
    world.member.memberships.create(organisation=world.other_org, role="member")
    client.force_login(world.member)
    url = reverse("accounts:organisation_switch", args=[world.other_org.pk])
    response = client.post(url, {"next": "dashboard"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/tickets/ticket/?assigned=²",
        "/admin/tickets/ticket/?assigned=٣",
    ],
)
def test_the_admin_takes_unicode_digits_calmly(client, world, url):
    client.force_login(world.supervisor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("value", "seconds"), [("²", None), ("٣", 3.0), ("7", 7.0)])
def test_a_retry_after_in_unicode_digits_is_not_a_crash(value, seconds):
    from notifications.webhooks import retry_after_seconds

    result = retry_after_seconds(value)
    assert result == seconds or (seconds is None and result is None)


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 2**63},
        {"update_id": -(2**63) - 1},
        {
            "update_id": 7,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "hi",
                "chat": {"id": "x", "type": "private"},
                "from": {"id": 1, "is_bot": False, "first_name": "x"},
            },
        },
    ],
)
def test_the_telegram_webhook_ignores_ids_the_database_cannot_hold(db, client, settings, update):
    from notifications.models import TelegramUpdate

    settings.TELEGRAM_WEBHOOK_SECRET = "s3cret"
    url = reverse("notifications:telegram_webhook")
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    response = client.post(url, update, content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert not TelegramUpdate.objects.exists()
    # Positive control: an ordinary update is remembered (so a retry is not handled twice).
    client.post(url, {"update_id": 8}, content_type="application/json", headers=headers)
    assert TelegramUpdate.objects.filter(update_id=8).exists()


def test_a_nul_byte_in_an_exports_filters_is_recorded_without_it(world):
    # The resources' CSV with ?kind=1%00 was a 500: jsonb refuses \u0000.
    request = RequestFactory().get("/resources/resources.csv", {"kind": "1\x00", "q\x00": "x"})
    request.user = world.manager
    entry = record_export(request=request, what="inventory.Resource", file_format="csv", rows=0)
    entry.refresh_from_db()
    assert entry.extra["filters"] == {"kind": ["1"], "q": ["x"]}
