"""The read-only parts of the wish page: facts, decision, versions, votes, links, thread, history.

WishPageDisplaysMixin holds them for WishAdmin (wishes/admin/wish.py). Staff read
everything of a wish here, internal notes and files included, each marked as such.
"""

from django.contrib import admin
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity.describe import describe, detail
from activity.models import Event
from contracts.models import BankKind, Contract
from core.admin import admin_link

from ..states import RefusalReason
from .common import age, attachment_links, status_label, value_label


def _hours(value) -> str:
    return _("%(hours)s h") % {"hours": number_format(value, decimal_pos=2)}


class WishPageDisplaysMixin:
    @admin.display(description=gettext_lazy("status"))
    def status_summary(self, obj):
        waited = age(obj.status_changed_at)
        return format_html(
            '{} <span class="wish-summary__since">{}</span> {}',
            status_label(obj.status),
            _("since today") if waited == _("today") else _("for %(age)s") % {"age": waited},
            value_label(obj.value),
        )

    @admin.display(description=gettext_lazy("description"))
    def description_text(self, obj):
        # Escaped, then paragraphs: the filter marks the result safe (the bare function does not).
        return linebreaks_filter(obj.description, autoescape=True)

    @admin.display(description=gettext_lazy("shared"))
    def shared(self, obj):
        if obj.visible_to_organisation:
            return _("The whole organisation reads it and may vote for it.")
        return _(
            "Not shared: its author reads it, and the managers and partners who see "
            "the whole organisation."
        )

    @admin.display(description=gettext_lazy("organisation"))
    def organisation_link(self, obj):
        return admin_link(obj.organisation)

    @admin.display(description=gettext_lazy("asked by"))
    def author_contact(self, obj):
        return format_html("{} &lt;{}&gt;", admin_link(obj.author), obj.author.email)

    @admin.display(description=gettext_lazy("affected services"))
    def services_list(self, obj):
        return ", ".join(str(service) for service in obj.services.all()) or "-"

    @admin.display(description=gettext_lazy("decision"))
    def decision(self, obj):
        rows = []
        if obj.refusal_reason:
            rows.append((_("Reason"), RefusalReason(obj.refusal_reason).label))
        if obj.decision_note:
            rows.append((_("Note to the client"), obj.decision_note))
        if obj.estimate_hours is not None:
            paid = _("paid from the hours bank") if obj.counts_against_bank else ""
            rows.append(
                (_("Estimate"), " · ".join(filter(None, [_hours(obj.estimate_hours), paid])))
            )
        if obj.target_date:
            rows.append((_("Target date"), date_format(obj.target_date, "DATE_FORMAT")))
        if not rows:
            return _("Nothing decided yet.")
        return format_html(
            '<dl class="ticket-extra">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    @admin.display(description=gettext_lazy("hours bank"))
    def hours_bank(self, obj):
        contracts = (
            Contract.objects.filter(organisation_id=obj.organisation_id)
            .active_on(timezone.localdate())
            .exclude(bank_kind=BankKind.NONE)
        )
        shown = [
            format_html(
                "{} ({}: {})", admin_link(c), c.get_bank_kind_display(), _hours(c.bank_hours)
            )
            for c in contracts
        ]
        if not shown:
            return _("No contract with an hours bank: the estimate cannot be paid from one.")
        return format_html_join(", ", "{}", ((link,) for link in shown))

    @admin.display(description=gettext_lazy("versions"))
    def versions_list(self, obj):
        versions = obj.versions.select_related("submitted_by")
        return render_to_string("admin/wishes/wish/versions.html", {"versions": versions})

    @admin.display(description=gettext_lazy("votes"))
    def votes_list(self, obj):
        votes = list(obj.votes.select_related("user"))
        if not votes:
            return _("No votes yet.")
        return format_html(
            "{}: {}",
            len(votes),
            format_html_join(
                ", ",
                '{} <small class="wish-quiet">({})</small>',
                (
                    (
                        admin_link(v.user),
                        date_format(timezone.localtime(v.created_at), "SHORT_DATE_FORMAT"),
                    )
                    for v in votes
                ),
            ),
        )

    @admin.display(description=gettext_lazy("attached when asked"))
    def opening_attachments(self, obj):
        return attachment_links(obj, obj.attachments.filter(comment__isnull=True)) or "-"

    @admin.display(description=gettext_lazy("tickets"))
    def tickets_list(self, obj):
        tickets = obj.tickets.order_by("pk")
        return format_html_join(
            ", ",
            "{} <small>({})</small>",
            ((admin_link(t, t.number), t.get_status_display()) for t in tickets),
        ) or _("None yet.")

    @admin.display(description=gettext_lazy("asked again"))
    def resubmissions(self, obj):
        parts = []
        if obj.resubmitted_from_id:
            earlier = obj.resubmitted_from
            parts.append(
                format_html("{} {}", _("Asked again from"), admin_link(earlier, earlier.number))
            )
        later = type(obj).objects.filter(resubmitted_from=obj).first()
        if later is not None:
            parts.append(format_html("{} {}", _("Asked again as"), admin_link(later, later.number)))
        return format_html_join(" · ", "{}", ((p,) for p in parts)) or "-"

    @admin.display(description=gettext_lazy("conversation"))
    def thread(self, obj):
        comments = obj.comments.select_related("author").prefetch_related("attachments")
        return render_to_string(
            "admin/wishes/wish/thread.html",
            {"comments": [(c, attachment_links(obj, c.attachments.all())) for c in comments]},
        )

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj):
        # Wish events carry the number in their data, whatever their target.
        events = (
            Event.objects.filter(organisation_id=obj.organisation_id, data__number=obj.number)
            .select_related("actor")
            .order_by("created_at", "pk")
        )
        return render_to_string(
            "admin/wishes/wish/history.html",
            {"events": [(e, " · ".join(filter(None, [describe(e), detail(e)]))) for e in events]},
        )
