"""Who hears of a managed resource's events, on which channel, in which language."""

import datetime

from django.utils import timezone, translation

from activity.models import Event
from activity.tasks import _dispatch
from inventory import services
from inventory.models import Kind, Status
from notifications.models import Notification
from notifications.render import render
from tests.inventory.factories import make_resource


def _rows(verb):
    for event in Event.objects.filter(verb=verb):
        _dispatch(event.pk)
    return set(Notification.objects.filter(event__verb=verb).values_list("user__email", "channel"))


def _certificate(world, days):
    expires = timezone.localdate() + datetime.timedelta(days=days)
    return make_resource(
        world.org,
        Kind.SSL_CERTIFICATE,
        name="Web certificate",
        price=12345,
        details={"common_name": "www.andes.test", "expires_on": expires.isoformat()},
    )


def test_an_expiry_reaches_the_managers_in_the_portal_and_by_email(world):
    _certificate(world, 6)
    services.expiry_sweep()
    rows = _rows("resource_expires_soon")
    managers = {world.manager.email, world.partner.email}
    assert {email for email, _ in rows} <= managers and world.manager.email in {
        email for email, _ in rows
    }
    assert (world.manager.email, "portal") in rows and (world.manager.email, "email") in rows
    # Members read it in the feed; nobody of another organisation hears of it.
    assert not {world.member.email, world.outsider.email} & {email for email, _ in rows}


def test_a_fault_reaches_the_managers_in_the_portal_only(world):
    switch = make_resource(world.org, Kind.SWITCH, name="Core switch")
    switch.status = Status.FAULTY
    services.resource_save(resource=switch, by=world.agent)
    rows = _rows("resource_status_changed")
    assert (world.manager.email, "portal") in rows
    assert {channel for _, channel in rows} == {"portal"}


def test_the_message_is_in_the_readers_language_and_carries_no_price(world):
    certificate = _certificate(world, 6)
    services.expiry_sweep()
    event = Event.objects.get(verb="resource_expires_soon")
    world.manager.language = "es"
    with translation.override("es"):
        message = render(event, world.manager)
    expires = certificate.expires_on
    assert message.headline.startswith("Web certificate vence en 6 días, el ")
    assert str(expires.year) in message.headline
    assert "12345" not in str(message.__dict__) and "12.345" not in str(message.__dict__)
    world.manager.language = "fr"
    with translation.override("fr"):
        assert "expire dans 6 jours" in render(event, world.manager).headline
