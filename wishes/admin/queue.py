"""The review queue: the changelist's filters, columns, search and bulk moves.

WishQueueMixin holds the changelist part of WishAdmin (wishes/admin/wish.py).
A bulk action moves each selected wish on its own through wishes.services.wish_move,
so one refusal leaves the others moved, and says which were refused and why.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import change_url

from .. import services
from ..states import BOARD, WishStatus
from .common import age, status_label, value_label

# Still moving along the board: what the queue shows unless told otherwise.
OPEN_STATUSES = [s for s in BOARD if s not in (WishStatus.DONE, WishStatus.NOT_ACCEPTED)]
TO_DECIDE = [WishStatus.SUBMITTED, WishStatus.IN_REVIEW]
# The board's order: the queue sorts statuses by where they are on it.
STATUS_RANK = Case(
    *[When(status=status, then=Value(rank)) for rank, status in enumerate(BOARD)],
    default=Value(len(BOARD)),
    output_field=IntegerField(),
)


class StatusFilter(admin.SimpleListFilter):
    """Wishes still moving unless a status is chosen; a search looks through every status."""

    title = _("status")
    parameter_name = "status"
    OPEN, TO_DECIDE, ALL = "open", "to_decide", "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        searching = request.GET.get(SEARCH_VAR, "").strip()
        self.default = self.ALL if searching else self.OPEN

    def lookups(self, request, model_admin):
        return [
            (self.OPEN, _("Not finished")),
            (self.TO_DECIDE, _("Waiting for a decision")),
            (self.ALL, _("All")),
            *((status, WishStatus(status).label) for status in BOARD),
        ]

    def chosen(self) -> str:
        return self.value() or self.default

    def queryset(self, request, queryset):
        chosen = self.chosen()
        if chosen == self.ALL:
            return queryset
        if chosen == self.OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if chosen == self.TO_DECIDE:
            return queryset.filter(status__in=TO_DECIDE)
        if chosen not in BOARD:
            return queryset.none()  # a made-up status (or a draft): nothing staff see
        return queryset.filter(status=chosen)

    def choices(self, changelist):
        chosen = self.chosen()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": chosen == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class AgeFilter(admin.SimpleListFilter):
    """How long the wish has waited in its status."""

    title = _("time in status")
    parameter_name = "age"
    DAYS = (7, 30, 90)

    def lookups(self, request, model_admin):
        return [
            (
                str(days),
                ngettext("More than %(days)d day", "More than %(days)d days", days)
                % {"days": days},
            )
            for days in self.DAYS
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdecimal() and int(value) in self.DAYS:
            since = timezone.now() - timedelta(days=int(value))
            return queryset.filter(status_changed_at__lt=since)
        return queryset


def _bulk_move(model_admin, request, queryset, to):
    """Move each selected wish to `to`, one by one, and say what happened."""
    moved, refused = [], {}
    for wish in queryset.order_by("pk"):
        try:
            services.wish_move(wish=wish, to=to, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                refused.setdefault(message, []).append(wish)
        else:
            moved.append(wish)
    target = str(WishStatus(to).label).lower()
    if moved:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d wish moved to %(status)s: %(numbers)s.",
                "%(count)d wishes moved to %(status)s: %(numbers)s.",
                len(moved),
            )
            % {
                "count": len(moved),
                "status": target,
                "numbers": ", ".join(w.number for w in moved),
            },
            messages.SUCCESS,
        )
    for reason, wishes in refused.items():
        model_admin.message_user(
            request,
            format_html(
                "{} {}",
                ngettext(
                    "%(count)d wish not moved (%(reason)s):",
                    "%(count)d wishes not moved (%(reason)s):",
                    len(wishes),
                )
                % {"count": len(wishes), "reason": reason.rstrip(".")},
                format_html_join(
                    ", ", '<a href="{}">{}</a>', ((change_url(w), w.number) for w in wishes)
                ),
            ),
            messages.WARNING,
        )


class WishQueueMixin:
    """The changelist of WishAdmin: what the review queue shows, filters, searches and sorts."""

    list_display = [
        "number",
        "title",
        "organisation_name",
        "status_column",
        "value_column",
        "votes",
        "comments",
        "age_in_status",
        "target_date",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        StatusFilter,
        ("organisation", admin.RelatedOnlyFieldListFilter),
        ("services", admin.RelatedOnlyFieldListFilter),
        "value",
        AgeFilter,
    ]
    list_select_related = ["organisation"]
    search_fields = ["number", "title", "description", "organisation__name"]
    search_help_text = _("Number, title, words of the description, or the organisation's name.")
    list_per_page = 50
    actions = ["start_review", "approve", "start_work", "finish", "open_tickets"]

    def get_queryset(self, request):
        # A draft is its author's alone until it is submitted, staff included.
        wishes = super().get_queryset(request).exclude(status=WishStatus.DRAFT)
        return wishes.alias(status_rank=STATUS_RANK)

    def get_ordering(self, request):
        # The board's order, and within a status the longest waiting first.
        return [STATUS_RANK.asc(), "status_changed_at", "pk"]

    def changelist_view(self, request, extra_context=None):
        # The queue needs the page's width for its columns; the admin's other pages
        # are a click away.
        extra_context = {
            "is_nav_sidebar_enabled": False,
            "title": _("Review queue"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    # --- Columns ---

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_name(self, obj):
        return obj.organisation.name

    @admin.display(description=_("status"), ordering="status_rank")
    def status_column(self, obj):
        return status_label(obj.status)

    @admin.display(description=_("business value"), ordering="value")
    def value_column(self, obj):
        return value_label(obj.value)

    @admin.display(description=_("votes"), ordering="votes_count")
    def votes(self, obj):
        return obj.votes_count

    # Public comments: internal notes are not counted.
    @admin.display(description=_("comments"), ordering="comments_count")
    def comments(self, obj):
        return obj.comments_count

    @admin.display(description=_("in this status for"), ordering="-status_changed_at")
    def age_in_status(self, obj):
        return format_html(
            '<time datetime="{}">{}</time>',
            obj.status_changed_at.isoformat(),
            age(obj.status_changed_at),
        )

    # --- Actions: each wish through wish_move, one by one ---

    @admin.action(description=_("Start the review"), permissions=["change"])
    def start_review(self, request, queryset):
        _bulk_move(self, request, queryset, WishStatus.IN_REVIEW)

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        _bulk_move(self, request, queryset, WishStatus.APPROVED)

    @admin.action(description=_("Start the work (in progress)"), permissions=["change"])
    def start_work(self, request, queryset):
        _bulk_move(self, request, queryset, WishStatus.IN_PROGRESS)

    @admin.action(description=_("Mark as done"), permissions=["change"])
    def finish(self, request, queryset):
        _bulk_move(self, request, queryset, WishStatus.DONE)

    @admin.action(description=_("Turn into tickets (one each)"), permissions=["open_ticket"])
    def open_tickets(self, request, queryset):
        opened, refused = [], {}
        for wish in queryset.order_by("pk"):
            try:
                ticket = services.wish_to_ticket(wish=wish, by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    refused.setdefault(message, []).append(wish)
            else:
                opened.append((wish, ticket))
        if opened:
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    ngettext("%(count)d ticket opened:", "%(count)d tickets opened:", len(opened))
                    % {"count": len(opened)},
                    format_html_join(
                        ", ",
                        '<a href="{}">{}</a> ({})',
                        ((change_url(t), t.number, w.number) for w, t in opened),
                    ),
                ),
                messages.SUCCESS,
            )
        for reason, wishes in refused.items():
            self.message_user(
                request,
                gettext("No ticket for %(numbers)s: %(reason)s")
                % {"numbers": ", ".join(w.number for w in wishes), "reason": reason},
                messages.WARNING,
            )
