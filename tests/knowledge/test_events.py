"""A published article in the feeds of the organisations that may read it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import load_access
from activity import feed
from activity.models import Event
from activity.tasks import _dispatch
from knowledge import services
from knowledge.models import Article, Status, Visibility
from knowledge.tasks import announce_due
from notifications.models import Notification
from notifications.render import render
from tests.knowledge.factories import article

TEXTS = {
    "es": ("Cómo reiniciar el router", "Texto."),
    "en": ("How to restart the router", "Text."),
}


def _published(world, **fields):
    draft = article(TEXTS, status=Status.DRAFT, **fields)
    services.publish(article=draft, user=world.agent)
    return draft


def _events():
    return Event.objects.filter(verb="article_published")


def test_publishing_tells_every_organisation_once(world):
    made = _published(world)
    assert set(_events().values_list("organisation_id", flat=True)) == {
        world.org.pk,
        world.other_org.pk,
    }
    services.publish(article=Article.objects.get(pk=made.pk), user=world.agent)
    services.announce(made)
    assert _events().count() == 2


@pytest.mark.parametrize(
    ("fields", "told"),
    [
        ({"visibility": Visibility.INTERNAL}, set()),
        ({"visibility": Visibility.ORGANISATIONS, "organisations": "org"}, {"org"}),
    ],
)
def test_only_readers_are_told(world, fields, told):
    if fields.get("organisations") == "org":
        fields["organisations"] = [world.org]
    _published(world, **fields)
    expected = {getattr(world, name).pk for name in told}
    assert set(_events().values_list("organisation_id", flat=True)) == expected


def test_a_scheduled_article_is_told_when_it_goes_live(world):
    draft = article(TEXTS, status=Status.DRAFT)
    services.publish(article=draft, user=world.agent, when=timezone.now() + timedelta(hours=1))
    assert _events().count() == 0
    assert announce_due() == 0
    Article.objects.filter(pk=draft.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert announce_due() == 2
    assert announce_due() == 0


def test_publishing_without_text_is_refused(world):
    from django.core.exceptions import ValidationError

    empty = Article.objects.create(category=article(TEXTS).category)
    with pytest.raises(ValidationError):
        services.publish(article=empty, user=world.agent)
    assert _events().count() == 0


def test_the_feed_shows_the_title_in_the_readers_language(world, client_for):
    made = _published(world)
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    page = client_for(world.member).get(reverse("activity:feed"))
    html = page.content.decode()
    assert "Cómo reiniciar el router" in html
    assert "How to restart the router" not in html
    assert reverse("knowledge:article", args=[made.pk]) in html


def test_managers_hear_in_the_portal_only_by_default(world):
    _published(world)
    for event in _events():
        _dispatch(event.pk)
    event = _events().get(organisation=world.org)
    rows = set(Notification.objects.filter(event=event).values_list("user__email", "channel"))
    assert rows == {(world.manager.email, "portal"), (world.partner.email, "portal")} or rows == {
        (world.manager.email, "portal")
    }
    world.manager.language = "fr"
    with translation.override("fr"):
        assert "redémarrer" not in render(event, world.manager).headline  # no French text
        assert "How to restart the router" in render(event, world.manager).headline


def test_the_feed_of_an_organisation_never_shows_anothers_limited_article(world):
    _published(world, visibility=Visibility.ORGANISATIONS, organisations=[world.org])
    access = load_access(world.outsider, world.other_org.pk)
    assert list(feed.feed_for(world.outsider, access, world.other_org)) == []


def test_announcing_due_articles_at_a_given_moment(world):
    draft = article(TEXTS, status=Status.DRAFT)
    later = timezone.now() + timedelta(hours=1)
    services.publish(article=draft, user=world.agent, when=later)
    assert services.announce_due(now=later - timedelta(minutes=1)) == 0
    assert services.announce_due(now=later + timedelta(minutes=1)) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.ARCHIVED},
        {"status": Status.DRAFT},
        {"visibility": Visibility.INTERNAL},
        {"publish_at": "future"},
    ],
)
def test_an_article_readers_lose_leaves_their_feeds(world, client_for, change):
    made = _published(world)
    for event in _events():
        _dispatch(event.pk)
    assert Notification.objects.filter(event__verb="article_published").exists()
    if change.get("publish_at") == "future":
        change["publish_at"] = timezone.now() + timedelta(days=1)
    Article.objects.filter(pk=made.pk).update(**change)
    services.announce(made)
    assert _events().count() == 0
    assert not Notification.objects.filter(event__verb="article_published").exists()
    page = client_for(world.manager).get(reverse("activity:feed"))
    assert "How to restart the router" not in page.content.decode()


def test_narrowing_and_widening_the_readers(world):
    made = _published(world, visibility=Visibility.ORGANISATIONS, organisations=[world.org])
    made.organisations.set([world.other_org])
    services.announce(made)
    assert list(_events().values_list("organisation_id", flat=True)) == [world.other_org.pk]
    Article.objects.filter(pk=made.pk).update(visibility=Visibility.ALL)
    assert services.announce(made) == 1
    assert _events().count() == 2
    assert services.announce(made) == 0


def test_an_internal_article_made_public_is_told_then(world):
    made = _published(world, visibility=Visibility.INTERNAL)
    assert _events().count() == 0
    Article.objects.filter(pk=made.pk).update(visibility=Visibility.ALL)
    assert services.announce(made) == 2


def test_a_rescheduled_article_is_told_again_when_it_goes_live(world):
    made = _published(world)
    later = timezone.now() + timedelta(hours=2)
    services.publish(article=Article.objects.get(pk=made.pk), user=world.agent, when=later)
    assert _events().count() == 0
    assert services.announce_due(now=later + timedelta(minutes=1)) == 2
