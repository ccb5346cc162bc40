"""Linking Telegram: the profile's link and unlink, the bot's webhook and its updates,
and the polling and webhook commands, against a fake Bot API server on loopback."""

from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bench.fake_telegram import FakeTelegram, message_update, my_chat_member_update
from config.celery import app as celery_app
from notifications import telegram
from notifications.models import TelegramLink, TelegramLinkToken, TelegramUpdate
from notifications.tasks import reply_after_commit

pytestmark = pytest.mark.django_db

SECRET = "s3cret-Webhook_token"
CHAT = 258990915  # the notes' example: a private chat's id is the user's id
WEBHOOK = "/notifications/telegram/webhook/"


@pytest.fixture
def fake(settings):
    """A fake Bot API for this test, and the portal configured to use it."""
    with FakeTelegram() as server:
        settings.TELEGRAM_BOT_TOKEN = server.token
        settings.TELEGRAM_API_URL = server.base_url
        settings.TELEGRAM_BOT_USERNAME = "portal_test_bot"
        settings.TELEGRAM_WEBHOOK_SECRET = SECRET
        settings.SITE_URL = "https://portal.example"
        yield server


class Bot:
    """The bot's side of a test: updates posted to the webhook, replies read at the fake.

    What a request commits enqueues the bot's replies; they run at once, here
    (Celery eager), when the request's transaction would have committed.
    """

    def __init__(self, fake, client, capture):
        self.fake, self.client, self.capture = fake, client, capture

    def post(self, update, secret=SECRET):
        with self.capture(execute=True):
            return post_update(self.client, update, secret)

    def run(self, function, *args, **kwargs):
        with self.capture(execute=True):
            return function(*args, **kwargs)

    def texts(self, chat):
        return self.fake.texts(chat)


@pytest.fixture
def bot(fake, client, django_capture_on_commit_callbacks):
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    try:
        yield Bot(fake, client, django_capture_on_commit_callbacks)
    finally:
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_eager_propagates = False


def post_update(client, update, secret=SECRET):
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return client.post(WEBHOOK, update, content_type="application/json", headers=headers)


EXPIRED = (
    "This link has expired or was already used. Create a new one in your "
    "profile on the portal: %(url)s"
)
PROFILE_URL = "https://portal.example/account/profile/#telegram"


def said(language, text, **params):
    """What the bot says in `language`: the catalog's translation, never the English source."""
    with translation.override(language):
        translated = _(text)
    if language != "en":
        assert translated != text, f"no {language} translation for {text!r}"
    return translated % params if params else translated


def start_update(update_id, token, chat=CHAT, **kwargs):
    """The notes' example update: the user pressed START on the deep link."""
    return message_update(update_id, chat, f"/start {token}", **kwargs)


def issue_token(client_for, user) -> str:
    """The profile's button, as a browser without JavaScript uses it: the deep link's token."""
    response = client_for(user).post(reverse("notifications:telegram_link"))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https",
        "t.me",
        "/portal_test_bot",
    )
    return parse_qs(location.query)["start"][0]


def linked(user, chat=CHAT, username="ana_r"):
    return TelegramLink.objects.create(user=user, chat_id=chat, username=username)


# Linking through the webhook ---------------------------------------------------------


def test_start_with_a_fresh_token_links_the_chat_and_says_so(world, client_for, bot):
    world.member.language = "fr"
    world.member.save(update_fields=["language"])
    token = issue_token(client_for, world.member)
    assert len(token) == 32
    assert TelegramLinkToken.objects.get(user=world.member).token_hash != token  # hash only

    bot.client.logout()  # Telegram has no session
    response = bot.post(start_update(231999258, token))

    assert response.status_code == 200
    link = TelegramLink.objects.get(user=world.member)
    assert (link.chat_id, link.telegram_user_id, link.username, link.is_active) == (
        CHAT,
        CHAT,
        "ana_r",
        True,
    )
    assert TelegramLinkToken.objects.get(user=world.member).used_at is not None
    assert cache.get(telegram._cache_key(world.member.pk)) is None
    [reply] = bot.texts(CHAT)
    with translation.override("fr"):
        expected = _(
            "Done: this chat now gets the notifications of %(name)s on the support "
            "portal. Choose which ones in your profile: %(url)s\n\n"
            "Send /stop to stop them."
        ) % {"name": "Diego", "url": "https://portal.example/account/profile/#telegram"}
    assert reply == expected


def test_the_reply_escapes_the_users_name_for_telegrams_html(world, client_for, bot):
    world.member.display_name = "Ana & <Co> Ltd"
    world.member.save(update_fields=["display_name"])
    token = issue_token(client_for, world.member)

    bot.post(start_update(8, token))

    [message] = bot.fake.messages(CHAT)
    assert "<b>Ana &amp; &lt;Co&gt; Ltd</b>" in message["html"]
    assert "Ana & <Co> Ltd" in message["text"]


def test_a_used_token_cannot_bind_a_second_chat(world, client_for, bot):
    token = issue_token(client_for, world.member)
    bot.post(start_update(1, token))
    # The same link, forwarded to someone else, pressed from another chat.
    response = bot.post(start_update(2, token, chat=777, language_code="pt-br"))

    assert response.status_code == 200
    assert TelegramLink.objects.get().chat_id == CHAT
    [refusal] = bot.texts(777)
    assert refusal == said("pt", EXPIRED, url=PROFILE_URL)


@pytest.mark.parametrize(
    "payload",
    ["expired", "q3J9xk2bV0mLrT8sPzW4yA_dE1fGh-6N", "not a token!", "x" * 65],
)
def test_expired_unknown_or_malformed_tokens_link_nothing(world, client_for, bot, payload):
    token = issue_token(client_for, world.member)
    if payload == "expired":
        TelegramLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        payload = token

    response = bot.post(start_update(5, payload))

    assert response.status_code == 200
    assert not TelegramLink.objects.exists()
    assert TelegramLinkToken.objects.get().used_at is None
    assert bot.texts(CHAT) == [said("es", EXPIRED, url=PROFILE_URL)]


def test_a_token_of_a_deactivated_user_links_nothing(world, client_for, bot):
    token = issue_token(client_for, world.member)
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])

    bot.post(start_update(5, token))

    assert not TelegramLink.objects.exists()
    assert bot.texts(CHAT) == [said("es", EXPIRED, url=PROFILE_URL)]


@pytest.mark.parametrize(
    ("code", "language"),
    [("es", "es"), ("pt-br", "pt"), ("fr", "fr"), ("de", "en"), (None, "en"), ("EN", "en")],
)
def test_before_linking_the_bot_speaks_the_telegram_apps_language(code, language):
    assert telegram._telegram_language(code) == language


def test_a_new_link_replaces_the_previous_one(world, client_for, bot):
    first = issue_token(client_for, world.member)
    second = issue_token(client_for, world.member)

    bot.post(start_update(1, first))
    assert not TelegramLink.objects.exists()
    bot.post(start_update(2, second))
    assert TelegramLink.objects.get().user == world.member


def test_linking_again_reactivates_the_users_link_with_the_new_chat(world, client_for, bot):
    old = linked(world.member, chat=1111)
    old.is_active, old.ended_reason = False, TelegramLink.Ended.BLOCKED
    old.notice_pending = True
    old.save()
    token = issue_token(client_for, world.member)

    bot.post(start_update(9, token))

    link = TelegramLink.objects.get()
    assert (link.pk, link.chat_id, link.is_active) == (old.pk, CHAT, True)
    assert (link.ended_reason, link.ended_at, link.notice_pending) == ("", None, False)


def test_a_start_in_a_group_is_ignored_and_keeps_the_token(world, client_for, bot):
    token = issue_token(client_for, world.member)

    bot.post(start_update(3, token, chat_type="group"))

    assert not TelegramLink.objects.exists()
    assert TelegramLinkToken.objects.get().used_at is None
    assert bot.fake.sent == []


def test_plain_start_or_any_text_gets_a_short_help(world, bot):
    assert bot.post(message_update(1, CHAT, "/start")).status_code == 200
    bot.post(message_update(2, 999, "hola", language_code="es"))
    linked(world.member)
    bot.post(message_update(3, CHAT, "/help"))

    first, second = bot.texts(CHAT)
    assert f"“{said('es', 'Link Telegram')}”" in first
    assert "Diego" in second and "/stop" in second
    assert len(bot.texts(999)) == 1


# The webhook's guard -----------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "", "wrong", SECRET + "x", "ñ"])
def test_webhook_refuses_a_missing_or_wrong_secret(world, client_for, bot, header):
    token = issue_token(client_for, world.member)

    response = bot.post(start_update(4, token), secret=header)

    assert response.status_code == 403
    assert not TelegramUpdate.objects.exists()
    assert not TelegramLink.objects.exists()
    assert bot.fake.sent == []


def test_webhook_refuses_everything_when_no_secret_is_configured(bot, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""

    assert bot.post(message_update(1, CHAT, "/start"), secret="").status_code == 403
    assert not TelegramUpdate.objects.exists()


def test_webhook_answers_only_posts(client, fake):
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert client.get(WEBHOOK, headers=headers).status_code == 405
    assert client.put(WEBHOOK, headers=headers).status_code == 405


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', "\xff"])
def test_webhook_rejects_bad_json(client, fake, body):
    response = client.post(
        WEBHOOK,
        body,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )

    assert response.status_code == 400
    assert not TelegramUpdate.objects.exists()


def test_webhook_accepts_and_ignores_what_is_not_an_update(bot):
    for body in [{}, {"update_id": "x"}, {"update_id": 7, "message": {"text": "/stop"}}]:
        assert bot.post(body).status_code == 200
    assert bot.fake.sent == []


def test_the_same_update_twice_is_handled_once(world, client_for, bot):
    token = issue_token(client_for, world.member)
    update = start_update(42, token)

    assert bot.post(update).status_code == 200
    assert bot.post(update).status_code == 200

    assert telegram.handle_update(update, reply=reply_after_commit) == telegram.DUPLICATE
    assert TelegramUpdate.objects.filter(update_id=42).count() == 1
    assert len(bot.texts(CHAT)) == 1


# /stop and blocking ------------------------------------------------------------------


def test_stop_ends_every_link_of_that_chat_and_confirms(world, bot):
    member = linked(world.member)
    manager = linked(world.manager)  # one person with two portal accounts, one chat
    other = linked(world.outsider, chat=555)

    bot.post(message_update(10, CHAT, "/stop"))

    for link in (member, manager):
        link.refresh_from_db()
        assert (link.is_active, link.ended_reason, link.notice_pending) == (
            False,
            TelegramLink.Ended.STOPPED,
            False,
        )
        assert link.ended_at is not None
    other.refresh_from_db()
    assert other.is_active
    [confirmation] = bot.texts(CHAT)
    assert "no more notifications" in confirmation


def test_stop_from_a_chat_that_is_not_linked_says_so(world, bot):
    bot.post(message_update(11, 4242, "/stop"))

    assert bot.texts(4242) == [
        said("es", "This chat was not getting notifications from the support portal.")
    ]


def test_blocking_the_bot_ends_the_link_and_tells_the_portal(world, bot):
    link = linked(world.member)

    bot.post(my_chat_member_update(12, CHAT, "kicked"))

    link.refresh_from_db()
    assert (link.is_active, link.ended_reason, link.notice_pending) == (
        False,
        TelegramLink.Ended.BLOCKED,
        True,
    )
    # Unblocking is not linking again.
    bot.post(my_chat_member_update(13, CHAT, "member"))
    link.refresh_from_db()
    assert not link.is_active
    assert bot.fake.sent == []


def test_unblocking_leaves_an_active_link_alone(world, bot):
    link = linked(world.member)

    assert (
        telegram.handle_update(my_chat_member_update(14, CHAT, "member"), reply=reply_after_commit)
        == telegram.IGNORED
    )

    link.refresh_from_db()
    assert link.is_active


# The profile -------------------------------------------------------------------------


def profile_html(client_for, user) -> str:
    response = client_for(user).get(reverse("accounts:profile"))
    assert response.status_code == 200
    return response.content.decode()


def test_profile_shows_nothing_of_telegram_when_it_is_not_configured(world, client_for, settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    html = profile_html(client_for, world.member)

    assert 'id="telegram"' not in html
    assert client_for(world.member).post(reverse("notifications:telegram_link")).status_code == 404
    assert (
        client_for(world.member).post(reverse("notifications:telegram_unlink")).status_code == 404
    )
    assert not TelegramLinkToken.objects.exists()


def test_profile_offers_to_link_when_not_linked(world, client_for, fake):
    html = profile_html(client_for, world.member)

    assert 'id="telegram"' in html
    assert "Link Telegram" in html
    assert "Unlink Telegram" not in html


def test_profile_shows_the_pending_deep_link_until_it_is_used(world, client_for, client, fake):
    token = issue_token(client_for, world.member)

    html = profile_html(client_for, world.member)

    assert f"https://t.me/portal_test_bot?start={token}" in html
    assert 'hx-trigger="every 3s"' in html
    assert "Create a new link" in html


def test_profile_shows_the_linked_account_and_the_unlink_button(world, client_for, fake):
    linked(world.member)

    html = profile_html(client_for, world.member)

    assert "@ana_r" in html
    assert "Unlink Telegram" in html
    assert "every 3s" not in html


def test_profile_explains_a_blocked_bot_once_for_the_banner(world, client_for, fake):
    link = linked(world.member)
    link.is_active, link.ended_reason, link.notice_pending = False, "blocked", True
    link.ended_at = timezone.now()
    link.save()

    html = profile_html(client_for, world.member)

    assert "Telegram messages have stopped." in html
    assert "Link Telegram again" in html
    link.refresh_from_db()
    assert link.notice_pending is False
    # The notice stays on the profile; only the site-wide banner's flag is cleared.
    assert "Telegram messages have stopped." in profile_html(client_for, world.member)


def test_link_by_htmx_returns_the_section_with_the_deep_link(world, client_for, fake):
    response = client_for(world.member).post(
        reverse("notifications:telegram_link"), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card telegram" id="telegram"')
    assert "<html" not in html
    assert "https://t.me/portal_test_bot?start=" in html
    assert TelegramLinkToken.objects.filter(user=world.member, used_at=None).count() == 1


@pytest.mark.parametrize("name", ["notifications:telegram_link", "notifications:telegram_unlink"])
def test_link_and_unlink_are_post_only_and_need_a_login(world, client, client_for, fake, name):
    response = client.post(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client_for(world.member).get(reverse(name)).status_code == 405
    assert not TelegramLinkToken.objects.exists()


def test_unlink_ends_the_users_link_and_tells_the_chat(world, client_for, bot):
    link = linked(world.member)
    other = linked(world.manager, chat=555)

    response = bot.run(client_for(world.member).post, reverse("notifications:telegram_unlink"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile") + "#telegram"
    link.refresh_from_db()
    assert (link.is_active, link.ended_reason) == (False, TelegramLink.Ended.UNLINKED)
    other.refresh_from_db()
    assert other.is_active
    assert len(bot.texts(CHAT)) == 1
    assert bot.texts(555) == []
    html = profile_html(client_for, world.member)
    assert "Link Telegram" in html
    assert "You unlinked Telegram in your profile." in html


def test_an_outsider_unlinking_touches_nobody_elses_link(world, client_for, bot):
    link = linked(world.member)

    response = bot.run(
        client_for(world.outsider).post,
        reverse("notifications:telegram_unlink"),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Link Telegram" in response.content.decode()
    link.refresh_from_db()
    assert link.is_active
    assert bot.fake.sent == []


# The commands ------------------------------------------------------------------------


def test_poll_once_handles_queued_updates_and_confirms_them(world, client_for, bot):
    fake = bot.fake
    token = issue_token(client_for, world.member)
    fake.push_update(start_update(None, token))
    fake.push_update(message_update(None, 31337, "/start"))
    out = StringIO()

    bot.run(call_command, "telegram_poll", "--once", stdout=out)

    assert TelegramLink.objects.get().chat_id == CHAT
    assert "2 update(s) handled." in out.getvalue()
    assert fake.pending_updates() == []  # confirmed with the next offset
    assert len(bot.texts(CHAT)) == 1
    assert len(bot.texts(31337)) == 1
    # Nothing new: nothing handled, and long polling is not what --once waits for.
    call_command("telegram_poll", "--once", stdout=out)
    assert "0 update(s) handled." in out.getvalue()


def test_poll_explains_the_conflict_with_an_active_webhook(fake):
    call_command("telegram_webhook", stdout=StringIO())
    assert fake.webhook["url"] == "https://portal.example/notifications/telegram/webhook/"
    assert fake.webhook["secret_token"] == SECRET

    with pytest.raises(CommandError, match="while the bot has a webhook"):
        call_command("telegram_poll", "--once", stdout=StringIO())

    fake.push_update(message_update(None, 1, "/start"))
    call_command("telegram_poll", "--once", "--delete-webhook", stdout=StringIO())
    assert fake.webhook["url"] == ""
    assert TelegramUpdate.objects.count() == 1


def test_webhook_command_needs_a_secret_and_https(fake, settings):
    with pytest.raises(CommandError, match="HTTPS"):
        call_command("telegram_webhook", "--url", "http://portal.example/hook/")
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
        call_command("telegram_webhook")
    assert fake.webhook["url"] == ""


def test_poll_needs_a_token(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN"):
        call_command("telegram_poll", "--once")
