"""The read-only parts of the ticket page: summary, thread, merges, history.

TicketPageDisplaysMixin holds them for TicketAdmin (tickets/admin/ticket.py).
"""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from activity.describe import describe, detail
from activity.models import Event
from core.admin import admin_link

from .. import notes
from ..extra import answers as extra_answers
from .common import _attachment_list


class TicketPageDisplaysMixin:
    """Read-only fields of the change page (state_summary uses the queue's labels)."""

    @admin.display(description=_("status"))
    def state_summary(self, obj, oob=False):
        # An id, so that an action's answer replaces it where it stands (workspace.py).
        return format_html(
            '<span id="ws-state"{}>{} {} <span class="ticket-summary__assignee">{}</span></span>',
            mark_safe(' hx-swap-oob="true"') if oob else "",
            self.status_label(obj),
            self.priority_label(obj),
            (
                _("Assigned to %(agent)s") % {"agent": obj.assignee}
                if obj.assignee_id
                else _("Unassigned")
            ),
        )

    @admin.display(description=_("requester"))
    def requester_contact(self, obj):
        user = obj.requester
        phone = format_html(" · {}", user.phone) if user.phone else ""
        return format_html("{} &lt;{}&gt;{}", admin_link(user), user.email, phone)

    @admin.display(description=_("extra fields"))
    def extra_fields(self, obj):
        shown = extra_answers(obj)
        if not shown:
            return "-"
        return format_html(
            '<dl class="ticket-extra">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((a.label, a.value) for a in shown)),
        )

    @admin.display(description=_("attached when opened"))
    def opening_attachments(self, obj):
        files = obj.attachments.filter(comment__isnull=True)
        return _attachment_list(files) or "-"

    @admin.display(description=_("merge"))
    def merge_links(self, obj):
        parts = []
        if obj.merged_into_id:
            parts.append(
                format_html(
                    '<p class="ticket-merged">{} {}</p>',
                    _("Merged into"),
                    admin_link(obj.merged_into, obj.merged_into.number),
                )
            )
        merged = list(obj.merged_tickets.order_by("pk"))
        if merged:
            parts.append(
                format_html(
                    "<p>{} {}</p>",
                    _("Tickets merged into this one:"),
                    format_html_join(", ", "{}", ((admin_link(t, t.number),) for t in merged)),
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.display(description=_("conversation"))
    def conversation(self, obj, may_split=False):
        comments = obj.comments.select_related("author").prefetch_related("attachments")
        for comment in comments:
            # Staff see every ticket: a merge note names and links the duplicate.
            comment.note = notes.note_for(comment, visible_ids=(), staff=True)
        return render_to_string(
            "admin/tickets/ticket/conversation.html",
            {
                "comments": [(c, _attachment_list(c.attachments.all())) for c in comments],
                "merged_into": obj.merged_into,
                "split_ticket": obj.pk if may_split and not obj.merged_into_id else None,
            },
        )

    @admin.display(description=_("history"))
    def history(self, obj):
        # Ticket events carry the number in their data, whatever their target.
        events = (
            Event.objects.filter(organisation_id=obj.organisation_id, data__number=obj.number)
            .select_related("actor")
            .order_by("created_at", "pk")
        )
        return render_to_string(
            "admin/tickets/ticket/history.html",
            # The sentence, then what it leaves out (an escalation's reason, a call's phone).
            {"events": [(e, " · ".join(filter(None, [describe(e), detail(e)]))) for e in events]},
        )
