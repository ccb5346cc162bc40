"""WishAdmin: the review queue, the wish page where staff decide, and the board's URLs.

The wish page is where staff work a wish: they read its facts, versions, votes,
thread and history, write a comment to the client or an internal note, and decide
(a move with its note, reason, estimate and target date). Every change goes
through wishes.services, in the admin's one transaction: a refusal undoes the
whole submission and comes back as a form error (see WishAdmin.changeform_view).
Wishes are asked for by clients and never deleted here: events refer to them.
"""

from contextlib import contextmanager
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.admin import change_url
from core.uploads import file_response

from .. import services
from ..models import Wish
from ..states import ACCEPTED, STAFF, moves_from
from . import board
from .common import ADMIN_CSS
from .displays import WishPageDisplaysMixin
from .forms import TicketFromWishForm, WishWorkForm
from .queue import WishQueueMixin


class _Refused(Exception):
    """A service refused part of the submission; raised to roll back the whole save."""

    def __init__(self, field, error):
        super().__init__(error)
        self.field, self.error = field, error


@contextmanager
def _refusal_goes_to(field):
    try:
        yield
    except ValidationError as error:
        raise _Refused(field, error) from error


DECIDE_FIELDS = ["move_to", "client_note", "reason", "estimate", "paid_from_bank", "plan_date"]
COMMENT_FIELDS = ["comment", "comment_files"]
NOTE_FIELDS = ["internal_note", "note_files"]
HISTORY = "wish-history-set"


@admin.register(Wish)
class WishAdmin(WishQueueMixin, WishPageDisplaysMixin, admin.ModelAdmin):
    form = WishWorkForm
    change_list_template = "admin/wishes/wish/change_list.html"
    change_form_template = "admin/wishes/wish/change_form.html"
    view_on_site = False
    readonly_fields = [
        "number",
        "status_summary",
        "title",
        "organisation_link",
        "author_contact",
        "services_list",
        "desired_date",
        "shared",
        "description_text",
        "opening_attachments",
        "versions_list",
        "votes_list",
        "tickets_list",
        "resubmissions",
        "decision",
        "hours_bank",
        "thread",
        "history",
        "created_at",
        "submitted_at",
        "status_changed_at",
        "updated_at",
    ]

    class Media:
        css = ADMIN_CSS

    # --- Permissions ---
    # Wishes come from clients (wishes.services.wish_create) and stay: events refer to them.

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_open_ticket_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and request.user.has_perm(
            "tickets.add_ticket"
        )

    def may_comment(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj) and request.user.has_perm(
            "wishes.add_wishcomment"
        )

    # --- The wish page ---

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "author")

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        ("number", "status_summary"),
                        "title",
                        ("organisation_link", "author_contact"),
                        "services_list",
                        ("desired_date", "shared"),
                        "description_text",
                        "opening_attachments",
                        "votes_list",
                        "tickets_list",
                        "resubmissions",
                    ]
                },
            ),
            (_("Decision so far"), {"fields": ["decision", "hours_bank"]}),
            (_("Conversation"), {"fields": ["thread"], "classes": ["ticket-thread-set"]}),
        ]
        if obj is not None and self.may_comment(request, obj):
            fieldsets += [
                (
                    _("Comment to the client"),
                    {"fields": COMMENT_FIELDS, "classes": ["ticket-reply"]},
                ),
                (
                    _("Internal note: never shown to the client"),
                    {"fields": NOTE_FIELDS, "classes": ["ticket-note"]},
                ),
            ]
        if obj is not None and self._decides(request, obj):
            fieldsets.append(
                (
                    _("Decide"),
                    {"fields": [*DECIDE_FIELDS, "seen_status"], "classes": ["wish-decide"]},
                )
            )
        fieldsets += [
            (_("Versions"), {"fields": ["versions_list"], "classes": ["collapse"]}),
            (_("History"), {"fields": ["history"], "classes": ["collapse", HISTORY]}),
            (
                _("Dates"),
                {
                    "fields": [
                        ("created_at", "submitted_at"),
                        ("status_changed_at", "updated_at"),
                    ],
                    "classes": ["collapse"],
                },
            ),
        ]
        return fieldsets

    def _decides(self, request, obj) -> bool:
        return self.has_change_permission(request, obj) and bool(moves_from(obj.status, STAFF))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        shown = set()
        if obj is not None and self.may_comment(request, obj):
            shown |= {*COMMENT_FIELDS, *NOTE_FIELDS}
        if obj is not None and self._decides(request, obj):
            shown |= {*DECIDE_FIELDS, "seen_status"}
        for name in list(form.base_fields):
            if name not in shown:
                form.base_fields.pop(name)
        form.refusal = getattr(request, "_wish_refusal", None)
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["may_open_ticket"] = obj.status in ACCEPTED and self.has_open_ticket_permission(
                request, obj
            )
            context["save_as"] = False
            context.update(show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The admin's transaction has rolled back: nothing of this submission was
            # saved. Validate the same submission again with the service's reason as
            # a form error, so staff see why and keep what they typed.
            request._wish_refusal = (refused.field, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Each change through its service, which records its event. Never obj.save()."""
        data, by = form.cleaned_data, request.user
        if data.get("comment") or data.get("comment_files"):
            with _refusal_goes_to("comment"):
                services.wish_comment(
                    wish=obj,
                    author=by,
                    body=data["comment"],
                    attachments=data.get("comment_files") or (),
                )
        if data.get("internal_note") or data.get("note_files"):
            with _refusal_goes_to("internal_note"):
                services.wish_comment(
                    wish=obj,
                    author=by,
                    body=data["internal_note"],
                    internal=True,
                    attachments=data.get("note_files") or (),
                )
        if data.get("move_to"):
            with _refusal_goes_to("move_to"):
                services.wish_move(wish=obj, by=by, **form.move_arguments())

    def save_related(self, request, form, formsets, change):
        # Nothing of the wish's relations is edited on its page.
        pass

    # --- Turning a wish into tickets ---

    def to_ticket_view(self, request, object_id):
        wish = self._wish_to_change(request, object_id)
        if not self.has_open_ticket_permission(request, wish):
            raise PermissionDenied
        form = TicketFromWishForm(request.POST or None, wish=wish)
        if request.method == "POST" and form.is_valid():
            try:
                ticket = services.wish_to_ticket(wish=wish, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    format_html(
                        _("Ticket {ticket} opened from {wish}: it links back to the wish."),
                        ticket=format_html(
                            '<a href="{}">{}</a>', change_url(ticket), ticket.number
                        ),
                        wish=wish.number,
                    ),
                    messages.SUCCESS,
                )
                return redirect(change_url(wish))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Turn %(number)s into a ticket") % {"number": wish.number},
            "opts": self.opts,
            "wish": wish,
            "form": form,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/wishes/wish/to_ticket.html", context)

    def attachment_view(self, request, object_id, attachment_id):
        wish = self.get_object(request, unquote(object_id))
        if wish is None:
            raise Http404
        if not self.has_view_permission(request, wish):
            raise PermissionDenied
        # Always downloaded, never shown in the admin's own origin: it is a client's file.
        return file_response(get_object_or_404(wish.attachments, pk=attachment_id))

    def _wish_to_change(self, request, object_id):
        wish = self.get_object(request, unquote(object_id))
        if wish is None:
            raise Http404
        if not self.has_change_permission(request, wish):
            raise PermissionDenied
        return wish

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "board/",
                wrap(partial(board.board_view, model_admin=self)),
                name="wishes_wish_board",
            ),
            path(
                "<path:object_id>/move/",
                wrap(partial(board.move_view, model_admin=self)),
                name="wishes_wish_move",
            ),
            path(
                "<path:object_id>/reorder/",
                wrap(partial(board.reorder_view, model_admin=self)),
                name="wishes_wish_reorder",
            ),
            path(
                "<path:object_id>/ticket/",
                wrap(self.to_ticket_view),
                name="wishes_wish_ticket",
            ),
            path(
                "<path:object_id>/attachments/<int:attachment_id>/",
                wrap(self.attachment_view),
                name="wishes_wish_attachment",
            ),
            *super().get_urls(),
        ]
