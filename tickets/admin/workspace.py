"""The agent's actions on the ticket page, each its own small form.

Reply (and the status it leaves the ticket in), internal note, and status /
priority / assignee are posted separately (htmx), so an error in one never
costs what was typed in another. Each answers with its own form again (empty
after success, as typed with the reason after a refusal) and, out of band, the
parts of the page the action changed: the thread, the work form, the summary
and the other forms' `seen` marks.

Collisions. Every form carries `seen`, the newest event of the ticket its
page showed. An action whose ticket has had events by someone else since (a
reply, a status, an assignee, a note) is refused once, under the ticket's row
lock, with those changes listed and the typed text kept; the form then carries
the newer mark, so sending again is a decision taken knowing them. An agent's
own earlier actions never count against them. Two agents setting contradictory
statuses: the second is told what the first did before anything of theirs is
saved. Who else has the ticket open (and who is typing) is shown live from
tickets/presence.py.
"""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.describe import describe, detail
from activity.models import Event
from audit.admin_audit import not_audited
from core.admin import change_url

from .. import desk, presence, services
from ..admin_forms import NoteForm, ReplyForm, WorkForm
from ..models import Comment, Ticket, TicketFollow, TicketMute
from ..parts import parts
from ..states import OPEN_STATUSES, Actor


class Stale(Exception):
    def __init__(self, changes, newest):
        super().__init__("stale")
        self.changes, self.newest = changes, newest


def _ticket_events(ticket):
    # Ticket events carry the number in their data, whatever their target (as
    # the history reads them).
    return Event.objects.filter(organisation_id=ticket.organisation_id, data__number=ticket.number)


def newest_event(ticket) -> int:
    return _ticket_events(ticket).aggregate(newest=Max("pk"))["newest"] or 0


def changes_since(ticket, seen: int, user) -> list[tuple[Event, str]]:
    """What others did to the ticket after the event `seen`, as sentences for staff."""
    events = (
        _ticket_events(ticket)
        .filter(pk__gt=seen)
        .exclude(actor_id=user.pk)
        .select_related("actor")
        .order_by("pk")
    )
    return [(e, " · ".join(filter(None, [describe(e), detail(e)]))) for e in events]


def signature(request, ticket) -> str:
    """What the parts put after the agent's reply (canned: their signature)."""
    return "\n\n".join(s for part in parts() if (s := part.reply_signature(request, ticket)))


def others_here(ticket, user) -> list:
    return [v for v in presence.viewers(ticket.pk) if v.user_id != user.pk]


@dataclass
class Composer:
    kind: str
    form: object
    tools: list
    signature: str = ""


class WorkspaceMixin:
    """The ticket page's action forms and their views, for TicketAdmin."""

    ACTIONS = {"reply": ReplyForm, "note": NoteForm, "work": WorkForm}

    def workspace_urls(self):
        wrap = self.admin_site.admin_view
        return [
            *(
                path(
                    f"<path:object_id>/act/{kind}/",
                    wrap(require_POST(partial(self.action_view, kind=kind))),
                    name=f"tickets_ticket_{kind}",
                )
                for kind in self.ACTIONS
            ),
            path(
                "<path:object_id>/presence/",
                wrap(self.presence_view),
                name="tickets_ticket_presence",
            ),
            path(
                "<path:object_id>/context/",
                wrap(self.context_view),
                name="tickets_ticket_context",
            ),
            path(
                "<path:object_id>/follow/",
                wrap(require_POST(self.follow_view)),
                name="tickets_ticket_follow",
            ),
            path(
                "<path:object_id>/split/<int:comment_id>/",
                wrap(self.split_view),
                name="tickets_ticket_split",
            ),
        ]

    # --- What the page shows ---

    def allowed_actions(self, request, ticket) -> list[str]:
        if not self._workable(request, ticket):
            return []
        kinds = ["work"]
        if request.user.has_perm("tickets.add_comment"):
            kinds = ["reply", "note", "work"]
        return kinds

    def workspace(self, request, ticket, forms=None, *, seen=None):
        """The context of the action forms and the side column."""
        forms = forms or {}
        user = request.user
        # The page's newest event and the agent's choices about the ticket, in one query.
        marks = (
            Ticket.objects.filter(pk=ticket.pk)
            .annotate(
                newest=Subquery(
                    _ticket_events(ticket)
                    .order_by()
                    .values("organisation_id")
                    .annotate(newest=Max("pk"))
                    .values("newest")
                ),
                following=Exists(TicketFollow.objects.filter(ticket=OuterRef("pk"), user=user)),
                muted=Exists(TicketMute.objects.filter(ticket=OuterRef("pk"), user=user)),
            )
            .values("newest", "following", "muted")
            .get()
        )
        seen = (marks["newest"] or 0) if seen is None else seen
        kinds = self.allowed_actions(request, ticket)
        composers = {}
        for kind in ("reply", "note"):
            if kind not in kinds:
                continue
            form = forms.get(kind) or self.ACTIONS[kind](ticket=ticket, initial={"seen": seen})
            composers[kind] = Composer(
                kind,
                form,
                [p for part in parts() if (p := part.composer_tools(request, ticket, kind))],
                signature(request, ticket) if kind == "reply" else "",
            )
        work = None
        if "work" in kinds:
            work = forms.get("work") or WorkForm(ticket=ticket, initial={"seen": seen})
        user = request.user
        return {
            "ticket": ticket,
            "conversation": self.conversation(
                ticket, may_split=user.has_perm("tickets.add_ticket")
            ),
            "seen": seen,
            "composers": composers,
            "work_form": work,
            "files_allowed": user.has_perm("tickets.add_attachment"),
            "viewers": others_here(ticket, user),
            "heartbeat": presence.HEARTBEAT_SECONDS,
            "following": marks["following"],
            "muted": marks["muted"],
        }

    # --- The actions ---

    def _ticket_for_action(self, request, object_id):
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None:
            raise Http404
        if not self._workable(request, ticket):
            raise PermissionDenied
        return ticket

    def action_view(self, request, object_id, *, kind):
        ticket = self._ticket_for_action(request, object_id)
        if kind not in self.allowed_actions(request, ticket):
            raise PermissionDenied
        data = request.POST
        if kind == "work" and data.get("assign_me"):
            data = data.copy()
            data["assignee"] = str(request.user.pk)
        form = self.ACTIONS[kind](data, request.FILES, ticket=ticket)
        if (
            kind == "reply"
            and request.FILES
            and not request.user.has_perm("tickets.add_attachment")
        ):
            raise PermissionDenied
        stale = None
        if form.is_valid():
            try:
                with transaction.atomic():
                    self._run(request, ticket, kind, form)
            except Stale as refused:
                stale = refused
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self._done(request, ticket, kind)
        return self._again(request, ticket, kind, form, stale)

    def _run(self, request, ticket, kind, form):
        data, by = form.cleaned_data, request.user
        # The row lock orders this action after any other one on the ticket: the
        # changes listed are all the ones it would otherwise silently follow.
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        changes = changes_since(locked, data.get("seen") or 0, by)
        if changes and kind != "note":
            # A note overwrites nothing: it goes, and its answer shows what changed.
            raise Stale(changes, newest_event(locked))
        if kind == "reply":
            body = data["reply"].strip()
            signed = signature(request, ticket)
            if signed and body:
                body = f"{body}\n\n{signed}"
            services.comment_add(
                ticket=locked, author=by, body=body, attachments=data.get("reply_files") or ()
            )
            if data.get("then"):
                current = Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)
                if data["then"] != current:
                    services.ticket_transition(
                        ticket=locked, to=data["then"], by=by, actor=Actor.AGENT
                    )
        elif kind == "note":
            desk.note_add(
                ticket=locked,
                author=by,
                body=data["note"],
                attachments=data.get("note_files") or (),
                mentioned=[u for u in data["mentioned"] if not isinstance(u, str)],
            )
        else:
            form.ticket = locked
            changed = form.changes()
            # Priority and assignee first: a status the service refuses undoes them too.
            if "priority" in changed:
                services.ticket_set_priority(ticket=locked, priority=changed["priority"], by=by)
            if "assignee" in changed:
                services.ticket_assign(ticket=locked, assignee=changed["assignee"], by=by)
            if "status" in changed:
                services.ticket_transition(
                    ticket=locked, to=changed["status"], by=by, actor=Actor.AGENT
                )

    def _fresh(self, request, ticket):
        return self.get_object(request, str(ticket.pk))

    def _done(self, request, ticket, kind):
        done = {
            "reply": _("Reply sent."),
            "note": _("Note added."),
            "work": _("Saved."),
        }[kind]
        if not request.htmx:
            messages.success(request, done)
            return redirect(change_url(ticket))
        ticket = self._fresh(request, ticket)
        context = self.workspace(request, ticket)
        context = {
            **context,
            "composer": context["composers"].get(kind),
            "acted": kind,
            "flash": done,
            "state_summary": self.state_summary(ticket, oob=True),
        }
        return TemplateResponse(request, "admin/tickets/ticket/workspace_done.html", context)

    def _again(self, request, ticket, kind, form, stale):
        """The form as the agent sent it, with why it was not done."""
        ticket = self._fresh(request, ticket)
        if stale is not None:
            # The next send is a decision taken knowing these changes.
            data = form.data.copy()
            data["seen"] = stale.newest
            files = form.files
            form = self.ACTIONS[kind](data, files, ticket=ticket)
            form.is_valid()
            form.errors.clear()
        seen = stale.newest if stale else None
        context = self.workspace(request, ticket, {kind: form}, seen=seen)
        context = {
            **context,
            "composer": context["composers"].get(kind),
            "acted": kind,
            "stale": stale,
            "conversation": context["conversation"] if stale else None,
            "state_summary": self.state_summary(ticket, oob=True) if stale else None,
        }
        template = (
            "admin/tickets/ticket/workspace_done.html"
            if request.htmx
            else "admin/tickets/ticket/workspace_page.html"
        )
        if not request.htmx:
            context.update(self.admin_site.each_context(request), opts=self.opts, title=ticket)
        return TemplateResponse(request, template, context)

    # --- Presence, following, splitting ---

    @not_audited
    def presence_view(self, request, object_id):
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None or not self.has_view_permission(request, ticket):
            raise Http404
        if request.method == "POST":
            if request.POST.get("leave"):
                presence.leave(ticket.pk, request.user)
                return HttpResponse(status=204)
            presence.beat(ticket.pk, request.user, typing=request.POST.get("typing") == "1")
        viewers = others_here(ticket, request.user)
        return TemplateResponse(
            request,
            "admin/tickets/ticket/presence.html",
            {"viewers": viewers, "ticket": ticket, "heartbeat": presence.HEARTBEAT_SECONDS},
        )

    CONTEXT_TICKETS = 5

    def context_view(self, request, object_id):
        """The client's context, drawn after the page (htmx, on load): the page's own
        cost stays that of the ticket, whatever the client's history."""
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None or not self.has_view_permission(request, ticket):
            raise Http404
        others = Ticket.objects.filter(organisation_id=ticket.organisation_id).exclude(pk=ticket.pk)
        theirs = list(
            others.filter(requester_id=ticket.requester_id)
            .only("pk", "number", "subject", "status", "last_activity_at")
            .order_by("-last_activity_at")[: self.CONTEXT_TICKETS]
        )
        open_elsewhere = (
            others.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
            .exclude(requester_id=ticket.requester_id)
            .select_related("requester")
            .only(
                "pk",
                "number",
                "subject",
                "status",
                "last_activity_at",
                "requester__display_name",
                "requester__email",
            )
            .order_by("-last_activity_at")
        )
        context = {
            "ticket": ticket,
            "theirs": theirs,
            "open_elsewhere": list(open_elsewhere[: self.CONTEXT_TICKETS]),
            "open_elsewhere_count": open_elsewhere.count(),
            "cards": [c for part in parts() if (c := part.context_card(request, ticket))],
        }
        return TemplateResponse(request, "admin/tickets/ticket/context.html", context)

    def follow_view(self, request, object_id):
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None or not self.has_view_permission(request, ticket):
            raise Http404
        what = request.POST.get("what")
        on = request.POST.get("on") == "1"
        if what == "mute":
            services.ticket_mute(ticket=ticket, user=request.user, muted=on)
        else:
            desk.follow(ticket=ticket, user=request.user, on=on)
        if request.htmx:
            return TemplateResponse(
                request,
                "admin/tickets/ticket/follow.html",
                {
                    "ticket": ticket,
                    "following": TicketFollow.objects.filter(
                        ticket=ticket, user=request.user
                    ).exists(),
                    "muted": TicketMute.objects.filter(ticket=ticket, user=request.user).exists(),
                },
            )
        return redirect(change_url(ticket))

    def split_view(self, request, object_id, comment_id):
        ticket = self._ticket_for_action(request, object_id)
        if not request.user.has_perm("tickets.add_ticket"):
            raise PermissionDenied
        comment = get_object_or_404(
            Comment.objects.select_related("author"), pk=comment_id, ticket=ticket
        )
        error = ""
        subject = request.POST.get("subject", "").strip() if request.method == "POST" else ""
        if request.method == "POST":
            try:
                new = desk.split(comment=comment, subject=subject, by=request.user)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(
                    request,
                    _("The message is now %(number)s.") % {"number": new.number},
                )
                return redirect(change_url(new))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Make this message a ticket of its own"),
            "opts": self.opts,
            "ticket": ticket,
            "comment": comment,
            "subject": subject or ticket.subject,
            "error": error,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/tickets/ticket/split.html", context)
