"""What tickets adds to the shared parts (core/plugins.py).

Ticket events carry the ticket's number and subject in their data; the ticket is
their subject, so its requester and watchers hear of them, its assignee owns them.
"""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import (
    ALWAYS,
    PERSON,
    STAFF,
    UNOWNED,
    UNOWNED_CLIENT,
    Area,
    DemoStep,
    Kind,
    MuteTexts,
    Subject,
    Verb,
    Widget,
)

EXCERPT_CHARS = 600


def _load(numbers):
    from .models import Ticket

    rows = Ticket.objects.filter(number__in=list(numbers)).only(
        "pk", "number", "organisation_id", "requester_id", "assignee_id"
    )
    return {ticket.number: ticket for ticket in rows}


def _visible(user):
    from .models import Ticket

    return Ticket.objects.visible_to(user).values("number")


def _people(ticket) -> set:
    return {ticket.requester_id, *ticket.watchers.values_list("user_id", flat=True)}


def _followers(ticket):
    from .models import TicketFollow

    return TicketFollow.objects.filter(ticket_id=ticket.pk).values_list("user_id", flat=True)


def _muted(ticket):
    from .models import TicketMute

    return TicketMute.objects.filter(ticket_id=ticket.pk).values("user_id")


def _mute(ticket, user) -> None:
    from .services import ticket_mute

    ticket_mute(ticket=ticket, user=user, muted=True)


def _url(number, event=None) -> str:
    path = reverse("tickets:detail", args=[number])
    if event is not None and event.verb == "ticket_replied" and event.target_id:
        path += f"#comment-{event.target_id}"
    return path


def _admin_url(ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


SUBJECTS = [
    Subject(
        "ticket",
        "number",
        load=_load,
        visible=_visible,
        url=_url,
        admin_url=_admin_url,
        people=_people,
        owner=lambda ticket: ticket.assignee_id,
        followers=_followers,
        muted=_muted,
        mute=_mute,
        label=gettext_lazy("Ticket"),
        mute_texts=MuteTexts(
            link=gettext_lazy("Mute this ticket"),
            question=gettext_lazy("Stop notifications about %(number)s?"),
            explained=gettext_lazy(
                "You will no longer be told about anything on this ticket, on any channel. "
                "You can turn its notifications back on from the ticket's page."
            ),
            done=gettext_lazy("%(number)s is muted"),
            done_explained=gettext_lazy(
                "You will get no more notifications about this ticket. To hear about it again, "
                "open it in the portal and turn its notifications back on."
            ),
        ),
    )
]


def _reply_excerpts(events) -> dict:
    """The reply's text, read only from a public comment."""
    from .models import Comment

    ids = {int(e.target_id): e.pk for e in events if e.target_id.isdecimal()}
    comments = Comment.objects.filter(pk__in=ids, is_internal=False).only("pk", "body")
    return {ids[c.pk]: (Truncator(c.body).chars(EXCERPT_CHARS), "") for c in comments}


def _resolutions(events) -> dict:
    """The support's last public reply before the ticket was resolved: how it was solved."""
    from .models import Comment

    found = {}
    for event in events:
        reply = (
            Comment.objects.filter(
                ticket__number=event.data.get("number", ""),
                ticket__organisation_id=event.organisation_id,
                is_internal=False,
                author__is_staff=True,
                created_at__lte=event.created_at,
            )
            .exclude(body="")
            .only("body")
            .order_by("-created_at", "-pk")
            .first()
        )
        if reply is not None:
            found[event.pk] = (Truncator(reply.body).chars(EXCERPT_CHARS), _("How it was solved"))
    return found


def _choice(name):
    def label(value) -> str:
        from . import states

        try:
            return str(getattr(states, name)(value).label).lower()
        except ValueError:
            return value

    return label


def _nobody(value) -> str:
    # "" for nobody: the word is the reader's to translate.
    return value if value != "" else _("nobody")


def _link_kind(value) -> str:
    from .relations import link_label

    return link_label(value)


KINDS = [
    Kind("ticket_opened", gettext_lazy("New tickets"), loud=True, staff_loud=True),
    Kind("ticket_replied", gettext_lazy("Replies"), staff_loud=True),
    Kind("ticket_updated", gettext_lazy("Ticket changes"), staff_loud=True),
    Kind("ticket_escalated", gettext_lazy("Escalations and calls"), loud=True, staff_loud=True),
    Kind("ticket_resolved", gettext_lazy("Resolved tickets"), loud=True, staff_loud=True),
    Kind("ticket_closed", gettext_lazy("Closed tickets"), loud=True, staff_loud=True),
    # A task asked of one person by name waits on them.
    Kind("client_task", gettext_lazy("Tasks asked of you"), loud=True, staff_loud=True),
    Kind("internal_note", gettext_lazy("Internal notes"), staff_only=True),
    # A colleague asked for you by name: loud, like a task asked of a client.
    Kind("mention", gettext_lazy("Mentions of you"), staff_only=True, staff_loud=True),
]


def _verb(key, template, kind, *, action=None, **options):
    return Verb(key, template, kind, subject="ticket", action=action, **options)


# What changed, as an e-mail's subject line says it (action=).
NEW_TICKET = pgettext_lazy("e-mail subject", "New ticket")
CLOSED = pgettext_lazy("e-mail subject", "Closed")

VERBS = [
    _verb(
        "ticket_opened",
        gettext_lazy("%(actor)s opened %(number)s: %(subject)s"),
        "ticket_opened",
        action=NEW_TICKET,
        supervisors=UNOWNED,
    ),
    _verb(
        "ticket_replied",
        gettext_lazy("%(actor)s replied on %(number)s"),
        "ticket_replied",
        action=pgettext_lazy("e-mail subject", "New reply"),
        supervisors=UNOWNED_CLIENT,
        excerpt=_reply_excerpts,
        banner=True,
    ),
    _verb(
        "ticket_note_added",
        gettext_lazy("%(actor)s added an internal note on %(number)s"),
        "internal_note",
        action=pgettext_lazy("e-mail subject", "Internal note"),
    ),
    _verb(
        "ticket_mentioned",
        gettext_lazy("%(actor)s mentioned you in a note on %(number)s"),
        "mention",
        audience=STAFF,
        action=pgettext_lazy("e-mail subject", "You were mentioned"),
    ),
    _verb(
        "ticket_split",
        gettext_lazy("%(actor)s made a message of %(number)s the ticket %(into)s"),
        "internal_note",
        notify=False,
    ),
    _verb(
        "ticket_status_changed",
        gettext_lazy("%(actor)s moved %(number)s to %(status)s"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "Status changed"),
        labels={"status": _choice("Status")},
    ),
    _verb(
        "ticket_priority_changed",
        gettext_lazy("%(actor)s set the priority of %(number)s to %(priority)s"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "Priority changed"),
        labels={"priority": _choice("Priority")},
    ),
    _verb(
        "ticket_assigned",
        gettext_lazy("%(actor)s assigned %(number)s to %(assignee)s"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "Assigned"),
        labels={"assignee": _nobody},
    ),
    _verb(
        "ticket_escalated",
        gettext_lazy("%(actor)s escalated %(number)s"),
        "ticket_escalated",
        action=pgettext_lazy("e-mail subject", "Escalated"),
        detail=gettext_lazy("Reason: %(reason)s"),
        supervisors=ALWAYS,
    ),
    _verb(
        "ticket_call_requested",
        gettext_lazy("%(actor)s asked for a call about %(number)s"),
        "ticket_escalated",
        action=pgettext_lazy("e-mail subject", "Call requested"),
        detail=gettext_lazy("Phone: %(phone)s · When: %(preferred_time)s"),
        supervisors=UNOWNED,
    ),
    _verb(
        "ticket_escalation_resolved",
        gettext_lazy("%(actor)s closed the escalation of %(number)s"),
        "ticket_escalated",
    ),
    _verb(
        "ticket_call_done",
        gettext_lazy("%(actor)s called back about %(number)s"),
        "ticket_escalated",
        detail=gettext_lazy("Phone: %(phone)s"),
    ),
    _verb(
        "ticket_watcher_added",
        gettext_lazy("%(actor)s added %(watcher)s to %(number)s"),
        "ticket_updated",
    ),
    _verb(
        "ticket_watcher_removed",
        gettext_lazy("%(actor)s removed %(watcher)s from %(number)s"),
        "ticket_updated",
    ),
    _verb(
        "ticket_resolved",
        gettext_lazy("%(actor)s resolved %(number)s"),
        "ticket_resolved",
        action=pgettext_lazy("e-mail subject", "Resolved"),
        excerpt=_resolutions,
    ),
    _verb(
        "ticket_closed",
        gettext_lazy("%(actor)s closed %(number)s"),
        "ticket_closed",
        action=CLOSED,
    ),
    _verb(
        "ticket_auto_closed",
        ngettext_lazy(
            "%(number)s was closed after %(days)s day without a reply",
            "%(number)s was closed after %(days)s days without a reply",
            "days",  # the event's data names the count: each language agrees with it
        ),
        "ticket_closed",
        action=CLOSED,
    ),
    _verb(
        "ticket_reopened",
        gettext_lazy("%(actor)s reopened %(number)s"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "Reopened"),
        supervisors=UNOWNED_CLIENT,
    ),
    _verb(
        "ticket_rated",
        gettext_lazy("%(actor)s rated the support on %(number)s"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "Rated"),
    ),
    # For the duplicate's people the merge closes their ticket (kind "closed",
    # heard on their channels); the survivor's people hear that a duplicate
    # joined, never its number or subject (see tickets/notes.py).
    _verb(
        "ticket_merged",
        gettext_lazy("%(actor)s merged %(number)s into %(into)s"),
        "ticket_closed",
        action=pgettext_lazy("e-mail subject", "Merged"),
    ),
    _verb(
        "ticket_merged_in",
        gettext_lazy("%(actor)s merged a duplicate ticket into %(number)s"),
        "ticket_updated",
    ),
    _verb(
        "attachment_added",
        gettext_lazy("%(actor)s attached %(name)s to %(number)s"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "New attachment"),
    ),
    _verb(
        "client_task_added",
        gettext_lazy("%(actor)s asked for: %(title)s (%(number)s)"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "Task for you"),
    ),
    _verb(
        "client_task_assigned",
        gettext_lazy("%(actor)s asked %(assignee)s for: %(title)s (%(number)s)"),
        "client_task",
        audience=PERSON,
        labels={"assignee": _nobody},
    ),
    _verb(
        "client_task_done",
        gettext_lazy("%(actor)s completed: %(title)s (%(number)s)"),
        "ticket_updated",
        action=pgettext_lazy("e-mail subject", "Task done"),
    ),
    # Agents' own filing (tickets/relations.py): internal, in the history, nobody notified.
    _verb(
        "ticket_tag_added",
        gettext_lazy("%(actor)s tagged %(number)s %(tag)s"),
        "internal_note",
        notify=False,
    ),
    _verb(
        "ticket_tag_removed",
        gettext_lazy("%(actor)s removed the tag %(tag)s from %(number)s"),
        "internal_note",
        notify=False,
    ),
    _verb(
        "ticket_linked",
        gettext_lazy("%(actor)s linked %(number)s: %(kind)s %(other)s"),
        "internal_note",
        labels={"kind": _link_kind},
        notify=False,
    ),
    _verb(
        "ticket_unlinked",
        gettext_lazy("%(actor)s unlinked %(number)s from %(other)s"),
        "internal_note",
        notify=False,
    ),
    _verb(
        "recurring_ticket_opened",
        gettext_lazy("%(number)s was opened from a recurring schedule: %(subject)s"),
        "ticket_opened",
        action=NEW_TICKET,
        supervisors=UNOWNED,
    ),
]

AREAS = [Area("tickets", gettext_lazy("Tickets"), "tickets:list", order=20)]


def _widget(name):
    def context(request, organisation):
        from . import widgets

        return getattr(widgets, name)(request, organisation)

    return context


WIDGETS = [
    Widget(
        "ticket_counts", "tickets/widgets/counts.html", _widget("counts"), order=5, column="top"
    ),
    Widget("client_tasks", "tickets/widgets/tasks.html", _widget("tasks"), order=10),
    Widget(
        "recent_tickets", "tickets/widgets/recent.html", _widget("recent"), order=80, column="side"
    ),
]


def _demo(demo):
    from notifications.models import Preference

    from . import demo as tickets_demo
    from .models import Ticket

    orgs = demo.organisations
    demo.first_load = not Ticket.objects.filter(organisation__in=orgs.values()).exists()
    tickets_demo.load_catalogue()
    tickets_demo.load_tickets(orgs, demo.users)
    tickets_demo.load_workspace(orgs, demo.users)
    # Diego also wants replies by e-mail: the profile's matrix shows a choice.
    Preference.objects.get_or_create(
        user=demo.users["member@andes.example"],
        kind="ticket_replied",
        channel="email",
        defaults={"enabled": True},
    )


DEMO = DemoStep("tickets", _demo, after=("accounts",))

# Agents work tickets (never delete them: a ticket is closed, its history kept)
# and open one for a client who called or wrote (tickets.services.ticket_open).
_WORK_TICKETS = [
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.add_comment",
    "tickets.view_comment",
    "tickets.view_attachment",
    "tickets.add_attachment",
    "tickets.view_clienttask",
    "tickets.add_clienttask",
    "tickets.change_clienttask",
    "tickets.view_callrequest",
    "tickets.view_rating",
    "tickets.view_category",
    "tickets.view_requesttype",
    # Their own saved queue views (SavedViewAdmin keeps them to their own).
    "tickets.view_savedview",
    "tickets.change_savedview",
    "tickets.delete_savedview",
]

# Whoever works tickets may schedule them: a recurring schedule only opens, on
# a calendar, the ticket an agent could open by hand, with the priority they
# set. Agents pause a schedule (inactive) rather than delete it.
_SCHEDULE_TICKETS = [
    "tickets.view_recurringticket",
    "tickets.add_recurringticket",
    "tickets.change_recurringticket",
]

# Supervisors also shape how tickets are opened and routed, and delete schedules.
_CONFIGURE_TICKETS = [
    "tickets.view_requestsection",
    "tickets.add_requestsection",
    "tickets.change_requestsection",
    "tickets.delete_requestsection",
    "tickets.add_requesttype",
    "tickets.change_requesttype",
    "tickets.delete_requesttype",
    "tickets.view_requesttypefield",
    "tickets.add_requesttypefield",
    "tickets.change_requesttypefield",
    "tickets.delete_requesttypefield",
    "tickets.add_category",
    "tickets.change_category",
    "tickets.delete_category",
    "tickets.view_priorityrule",
    "tickets.add_priorityrule",
    "tickets.change_priorityrule",
    "tickets.delete_priorityrule",
    "tickets.view_ticketpolicy",
    "tickets.add_ticketpolicy",
    "tickets.change_ticketpolicy",
    "tickets.delete_ticketpolicy",
    "tickets.delete_recurringticket",
    "tickets.manage_shared_views",
]

STAFF = {
    AGENT: [*_WORK_TICKETS, *_SCHEDULE_TICKETS],
    SUPERVISOR: [*_WORK_TICKETS, *_SCHEDULE_TICKETS, *_CONFIGURE_TICKETS],
}
