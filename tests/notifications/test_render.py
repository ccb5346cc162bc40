"""Every verb, in every language, on every channel, says something a person can read.

For each verb every app declares (core.plugins.verbs()) an event is built with the data its
app records (the keys are checked against the real services below), then
rendered in es, en, pt and fr for the portal (the headline), e-mail (text and
HTML), Telegram and webhooks. The text is checked, not just that it renders:
no placeholder left, no raw verb name, the ticket number where the sentence
has one, and another language than English wherever the catalog translates
the sentence.
"""

import pytest
from django.utils import translation
from django.utils.html import escape

from activity.models import Event, Visibility
from activity.services import record_event
from core import plugins
from core.plugins import MANAGERS, ORGANISATION
from notifications.channels.email import EmailChannel
from notifications.channels.telegram import TelegramChannel
from notifications.models import Notification
from notifications.render import render
from notifications.webhooks import payload
from tests.contracts.factories import ContractFactory
from tests.tickets.factories import CommentFactory, TicketFactory
from tickets import services
from tickets.states import Status

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "pt", "fr"]
SUBJECT = "Router down in Valparaíso"
REPLY = "We restarted your access switch; please check the light."
NOTE = "Client owes two invoices, hold the visit"
INTERNAL = {
    "ticket_note_added",
    "ticket_mentioned",
    "ticket_split",
    "ticket_tag_added",
    "ticket_tag_removed",
    "ticket_linked",
    "ticket_unlinked",
    "ticket_assigned",
    "wish_note_added",
    "document_approval_requested",
}

# What each app records, verb by verb (see the services named in each comment).
# Ticket events also carry {"number", "subject"}; "target" is built separately.
SAMPLES = {
    # accounts/services.py
    "member_invited": ("manager", {"email": "nueva@andes.test", "role": "member"}),
    "member_joined": ("other_member", {"member": "Rosa", "role": "member"}),
    "member_role_changed": ("manager", {"member": "Diego", "role": "manager"}),
    "member_deactivated": ("manager", {"member": "Diego", "role": "member"}),
    "member_reactivated": ("manager", {"member": "Diego", "role": "member"}),
    # tickets/services.py
    "ticket_opened": ("member", {"priority": "high"}),
    "ticket_replied": ("agent", {}),
    "ticket_note_added": ("supervisor", {}),
    # tickets/desk.py: note_add (a mention), split
    "ticket_mentioned": ("supervisor", {"staff_ids": []}),
    "ticket_split": ("agent", {"into": "TKT-2026-00099"}),
    # tickets/relations.py
    "ticket_tag_added": ("agent", {"tag": "fibra"}),
    "ticket_tag_removed": ("agent", {"tag": "fibra"}),
    "ticket_linked": ("agent", {"kind": "blocks", "other": "TKT-2026-00007"}),
    "ticket_unlinked": ("agent", {"other": "TKT-2026-00007"}),
    "ticket_status_changed": ("agent", {"status": "waiting_on_client"}),
    "ticket_priority_changed": ("agent", {"priority": "critical"}),
    "ticket_assigned": ("supervisor", {"assignee": "Ana Agent"}),
    "ticket_escalated": ("member", {"reason": "The whole office is down"}),
    "ticket_call_requested": ("member", {"phone": "+56 9 1234", "preferred_time": "after 15:00"}),
    "ticket_escalation_resolved": ("agent", {"escalated_at": "2026-12-04T10:00:00+00:00"}),
    "ticket_call_done": ("agent", {"phone": "+56 9 1234", "preferred_time": "after 15:00"}),
    "ticket_watcher_added": ("member", {"watcher": "Rosa"}),
    "ticket_watcher_removed": ("member", {"watcher": "Rosa"}),
    "ticket_resolved": ("agent", {"status": "resolved"}),
    "ticket_closed": ("member", {"status": "closed"}),
    "ticket_auto_closed": (None, {"days": 7}),
    "ticket_reopened": ("member", {"status": "reopened"}),
    "ticket_rated": ("member", {"score": 5}),
    "ticket_merged": ("agent", {"into": "TKT-2026-00042", "moved": 3}),
    "ticket_merged_in": ("agent", {}),
    "attachment_added": ("member", {"name": "screen.png"}),
    "client_task_added": ("agent", {"title": "Send us the router's serial number"}),
    "client_task_done": ("member", {"title": "Send us the router's serial number"}),
    "client_task_assigned": (
        "agent",
        {"title": "Send us the router's serial number", "assignee": "Diego", "user_id": 1},
    ),
    # sla/services.py
    "sla_warning": (None, {"kind": "first_response"}),
    "sla_breached": (None, {"kind": "resolution"}),
    # contracts/services.py
    "time_logged": ("agent", {"minutes": 45}),
    "time_entry_changed": ("agent", {"minutes": 30}),
    "hours_bank_80": (None, {"contract": "Support 2026", "used": 8.5, "allowance": 10.0}),
    "hours_bank_100": (None, {"contract": "Support 2026", "used": 10.5, "allowance": 10.0}),
    # tickets/recurring.py (through ticket_open)
    "recurring_ticket_opened": (None, {"priority": "medium"}),
    # wishes/services.py: about a wish, with its number and title
    "wish_submitted": ("member", {"version": 1}),
    "wish_resubmitted": ("member", {"version": 2}),
    "wish_review_started": ("agent", {"status": "in_review"}),
    "wish_changes_requested": ("agent", {"status": "changes_requested", "note": "Which sites?"}),
    "wish_approved": ("agent", {"status": "approved"}),
    "wish_planned": ("agent", {"status": "planned", "target_date": "2027-03-31"}),
    "wish_replanned": ("agent", {"status": "approved"}),
    "wish_started": ("agent", {"status": "in_progress"}),
    "wish_done": ("agent", {"status": "done"}),
    "wish_not_accepted": ("agent", {"status": "not_accepted", "reason": "cost", "note": ""}),
    "wish_commented": ("agent", {}),
    "wish_note_added": ("supervisor", {}),
    "wish_voted": ("other_member", {}),
    "wish_ticket_opened": ("agent", {"ticket": "TKT-2026-00042"}),
    # knowledge/services.py: the article's title in each language it is written in
    "article_published": (
        "agent",
        {
            "article": 1,
            "title": {
                "es": "Cómo reiniciar el router",
                "en": "How to restart the router",
                "pt": "Como reiniciar o roteador",
                "fr": "Comment redémarrer le routeur",
            },
        },
    ),
    # diagnostics/services.py: a measurement on a ticket
    "measurement_started": (
        "agent",
        {"measurement": "NET-2026-00001", "kind": "traceroute", "target": "fibra.andes.cl"},
    ),
    "resource_expires_soon": (
        None,
        {
            "resource": "RES-2026-00001",
            "name": "Certificado www.andes.cl",
            "kind": "ssl_certificate",
            "expires_on": "2026-12-26",
            "days": 21,
        },
    ),
    "resource_expired": (
        None,
        {
            "resource": "RES-2026-00002",
            "name": "Dominio andes.cl",
            "kind": "domain",
            "expires_on": "2026-12-01",
            "days": -4,
        },
    ),
    "resource_status_changed": (
        "agent",
        {
            "resource": "RES-2026-00003",
            "name": "Switch de núcleo",
            "kind": "switch",
            "status": "faulty",
        },
    ),
    "survey_sent": (
        "agent",
        {
            "user_id": 0,
            "invitation": "0" * 32,
            "title": {"en": "Quarterly review", "es": "Revisión"},
        },
    ),
    "survey_reminder": (None, {"user_id": 0, "invitation": "0" * 32, "title": {"en": "Review"}}),
    "survey_closed": (None, {"user_id": 0, "invitation": "0" * 32, "title": {"en": "Review"}}),
    "survey_answered": (
        "member",
        {"user_id": 0, "invitation": "0" * 32, "title": {"en": "Review"}},
    ),
    "data_form_requested": ("agent", {"title": {"en": "New site details", "fr": "Nouveau site"}}),
    "data_form_completed": ("member", {"title": {"en": "New site details"}}),
    "measurement_finished": (
        None,
        {"measurement": "NET-2026-00001", "kind": "ping", "target": "fibra.andes.cl"},
    ),
    # signing/services: about a document, with its number and title
    "document_sent": ("agent", {"user_id": 1, "due_at": "2026-12-10T12:00:00+00:00", "version": 1}),
    "document_reminder": ("agent", {"user_id": 1, "due_at": "2026-12-10T12:00:00+00:00"}),
    "document_viewed": ("member", {}),
    "document_approval_requested": ("agent", {}),
    "document_signed": ("member", {"signer": "Diego Fuentes"}),
    "document_completed": (None, {}),
    "document_declined": ("manager", {"reason": "El precio no es el acordado"}),
    "document_expired": (None, {}),
    "document_cancelled": ("agent", {"reason": "Wrong client"}),
}
# Person events are about one ticket too, and carry its number and subject.
NON_TICKET = {
    verb
    for verb, entry in plugins.verbs().items()
    if entry.audience not in plugins.SUBJECT_AUDIENCES
}


@pytest.fixture
def scene(world):
    ticket = TicketFactory(organisation=world.org, requester=world.member, subject=SUBJECT)
    contract = ContractFactory(organisation=world.org, name="Support 2026")
    return world, ticket, contract


def _wish(world):
    from tests.wishes.factories import submitted

    return submitted(world, SUBJECT)


def _event(verb, scene) -> Event:
    world, ticket, contract = scene
    actor_name, extra = SAMPLES[verb]
    data = dict(extra)
    target = ticket
    if verb.startswith("document_"):
        from tests.signing.factories import sent

        target = sent(world, signers=[world.member])
        data = {"number": target.number, "subject": target.title, **data}
        if "user_id" in data:
            data["user_id"] = world.member.pk
        return record_event(
            organisation=world.org,
            actor=getattr(world, actor_name) if actor_name else None,
            verb=verb,
            target=target,
            visibility=Visibility.INTERNAL if verb in INTERNAL else Visibility.PUBLIC,
            data=data,
        )
    if verb.startswith("wish_"):
        # A wish's events name the wish, as wishes/services.py records them.
        target = _wish(world)
        data = {"number": target.number, "subject": target.title, **data}
        return record_event(
            organisation=world.org,
            actor=getattr(world, actor_name) if actor_name else None,
            verb=verb,
            target=target,
            visibility=Visibility.INTERNAL if verb in INTERNAL else Visibility.PUBLIC,
            data=data,
        )
    if verb not in NON_TICKET or verb.startswith("hours_bank"):
        data = {"number": ticket.number, "subject": ticket.subject, **data}
    if verb in NON_TICKET:
        target = contract if verb.startswith("hours_bank") else None
    if verb == "ticket_replied":
        target = CommentFactory(ticket=ticket, author=world.agent, body=REPLY)
    if verb == "ticket_note_added":
        target = CommentFactory(ticket=ticket, author=world.supervisor, body=NOTE, is_internal=True)
    return record_event(
        organisation=world.org,
        actor=getattr(world, actor_name) if actor_name else None,
        verb=verb,
        target=target,
        visibility=Visibility.INTERNAL if verb in INTERNAL else Visibility.PUBLIC,
        data=data,
    )


def _reader(verb, world, language):
    """Who gets this event: staff for internal ones, managers for the organisation's."""
    entry = plugins.verbs()[verb]
    if verb in INTERNAL:
        user = world.agent
    elif entry.audience in (ORGANISATION, MANAGERS):
        user = world.manager
    else:
        user = world.member
    user.language = language
    return user


def _channels(event, user, language) -> dict[str, str]:
    """The text of every channel, as the recipient (or the organisation's receiver) gets it."""
    message = render(event, user)
    email = EmailChannel().build(Notification(event=event, user=user, channel="email"), message)
    outputs = {
        "portal": message.headline,
        "email subject": email.subject,
        "email text": email.body,
        "email html": email.alternatives[0].content,
        "telegram": TelegramChannel().render(
            Notification(event=event, user=user, channel="telegram"), message
        ),
    }
    if not event.is_internal:  # webhooks carry public events only
        event.organisation.default_language = language
        outputs["webhook"] = payload(event)["text"]
    return outputs


def _english_template(verb) -> str:
    with translation.override("en"):
        return str(plugins.verbs()[verb].template)


def _translated_template(verb, language) -> str:
    with translation.override(language):
        return str(plugins.verbs()[verb].template)


@pytest.mark.parametrize("verb", sorted(plugins.verbs()))
def test_every_verb_reads_well_in_every_language_on_every_channel(verb, scene):
    assert verb in SAMPLES, f"add the data {verb!r} records to SAMPLES"
    world, ticket, _contract = scene
    event = _event(verb, scene)
    has_number = "%(number)s" in _english_template(verb)

    headlines = {}
    for language in LANGUAGES:
        user = _reader(verb, world, language)
        outputs = _channels(event, user, language)
        headline = headlines[language] = outputs["portal"]
        for channel, text in outputs.items():
            where = f"{verb}/{language}/{channel}"
            assert text.strip(), where
            assert "%(" not in text, where
            assert verb not in text, where
            if has_number:
                assert event.data.get("number", ticket.number) in text, where
        # Every channel says the same sentence, in the reader's language.
        sentence = escape(headline)
        assert headline in outputs["email text"]
        assert sentence in outputs["email html"]
        assert sentence in outputs["telegram"]
        if "webhook" in outputs:
            assert outputs["webhook"] == headline
        if language != "en" and _translated_template(verb, language) != _english_template(verb):
            english = headlines["en"]
            assert headline != english, f"{verb}/{language}"
            for channel in ("email text", "telegram", "webhook"):
                if channel in outputs:
                    assert english not in outputs[channel], f"{verb}/{language}/{channel}"


def test_the_samples_cover_every_verb_and_no_other():
    assert set(SAMPLES) == set(plugins.verbs())


def test_a_public_reply_is_quoted_on_every_channel_an_internal_note_on_none(scene):
    world, ticket, _contract = scene
    replied = _event("ticket_replied", scene)
    note = _event("ticket_note_added", scene)

    to_client = _channels(replied, _reader("ticket_replied", world, "es"), "es")
    to_staff = _channels(note, _reader("ticket_note_added", world, "fr"), "fr")

    assert REPLY in to_client["email text"]
    assert escape(REPLY) in to_client["email html"]
    assert escape(REPLY) in to_client["telegram"]
    assert payload(replied)["excerpt"] == REPLY
    for channel, text in to_staff.items():
        assert "invoices" not in text, channel
    assert "webhook" not in to_staff
    assert ticket.number in to_staff["telegram"]


def test_the_samples_carry_the_keys_the_services_record(world):
    """If a service changes what it records, SAMPLES above must follow."""
    ticket = services.ticket_open(
        organisation=world.org, requester=world.member, subject=SUBJECT, description="x"
    )
    other = services.ticket_open(
        organisation=world.org, requester=world.member, subject="Duplicate", description="x"
    )
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    services.watcher_remove(ticket=ticket, user=world.other_member, by=world.member)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.ticket_set_priority(ticket=ticket, priority="critical", by=world.agent)
    services.comment_add(ticket=ticket, author=world.agent, body=REPLY)
    services.comment_add(ticket=ticket, author=world.agent, body=NOTE, internal=True)
    services.ticket_transition(ticket=ticket, to=Status.WAITING_ON_CLIENT, by=world.agent)
    services.ticket_escalate(ticket=ticket, reason="Down", by=world.member)
    call = services.call_request(
        ticket=ticket, phone="+56 9 1234", preferred_time="15h", by=world.member
    )
    services.escalation_resolve(ticket=ticket, by=world.agent)
    services.call_done(call=call, by=world.agent)
    task = services.client_task_add(
        ticket=ticket,
        title="Serial",
        details="",
        due_date=None,
        assignee=world.member,
        by=world.agent,
    )
    services.client_task_complete(task=task, by=world.member)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    services.rating_set(ticket=ticket, score=5, comment="", by=world.member)
    services.ticket_transition(ticket=ticket, to=Status.CLOSED, by=world.member)
    services.ticket_transition(ticket=ticket, to=Status.REOPENED, by=world.member)
    services.ticket_merge(source=other, target=ticket, by=world.agent)

    seen = set()
    for event in Event.objects.filter(organisation=world.org):
        expected = set(SAMPLES[event.verb][1])
        if event.verb not in NON_TICKET:
            expected |= {"number", "subject"}
        assert set(event.data) == expected, event.verb
        assert event.is_internal == (event.verb in INTERNAL), event.verb
        seen.add(event.verb)
    assert len(seen) >= 17
