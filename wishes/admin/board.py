"""The staff board: every organisation's wishes in the columns of states.BOARD.

A card changes column through wishes.services.wish_move and its place in a column
through wish_reorder, at a position between the cards it lands between. Two ways
to do it, both through the same two views:
- dragging a card (static/wishes/board.js, SortableJS): a POST that asks for JSON,
  answered 200 with the card as it now is, or 400 with the service's message
  (and what the move needs, when it needs a note, a reason or a date);
- the card's own forms ("Move to…", up, down): plain POSTs that work without
  JavaScript and come back to the board, or to the move page when a move needs more.

The board reads its cards in one query, at most COLUMN_LIMIT a column, and its
column counts in another, whatever the number of wishes.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services, states
from ..models import Wish
from ..states import BOARD, STAFF, WishStatus
from .common import age, position_between
from .forms import BoardFilterForm, MoveFields, MoveForm, ReorderForm

COLUMN_LIMIT = 12
# Finished columns only grow: they show their latest cards (the latest moved in last).
FINISHED = (WishStatus.DONE, WishStatus.NOT_ACCEPTED)


@dataclass
class Card:
    wish: Wish
    moves: list
    age: str
    # The neighbours a move up or down lands between (ids; None: the column's end).
    up: tuple | None = None
    down: tuple | None = None
    urls: dict = field(default_factory=dict)


# The card's addresses, reversed once per page with a stand-in id: a board of a
# hundred cards would otherwise reverse four hundred URLs.
_STAND_IN = 987654321
_CARD_URLS = {
    "change": "admin:wishes_wish_change",
    "move": "admin:wishes_wish_move",
    "reorder": "admin:wishes_wish_reorder",
}


def _url_makers() -> dict:
    patterns = {name: reverse(view, args=[_STAND_IN]) for name, view in _CARD_URLS.items()}
    return {
        name: (lambda pk, pattern=pattern: pattern.replace(str(_STAND_IN), str(pk)))
        for name, pattern in patterns.items()
    }


@dataclass
class Column:
    status: str
    label: str
    total: int
    cards: list = field(default_factory=list)


def card_labels() -> dict:
    """The cards' words, translated once for the page rather than once per card."""
    return {
        "label_drag": _("Drag to move"),
        "label_organisation": _("Organisation"),
        "label_value": _("Value"),
        "label_votes": _("Votes"),
        "label_age": _("In this column"),
        "label_target": _("Target date"),
        "label_move_to": _("Move to…"),
        "label_move": _("Move"),
    }


def _moves(status) -> list:
    # Labels as text: a card's menu is rendered once per card, the label once per page.
    return [(s, str(WishStatus(s).label)) for s in states.moves_from(status, STAFF)]


def card_for(wish, now=None, moves=None, urls=None) -> Card:
    urls = urls or _url_makers()
    return Card(
        wish=wish,
        moves=moves if moves is not None else _moves(wish.status),
        age=age(wish.status_changed_at, now),
        urls={name: make(wish.pk) for name, make in urls.items()},
    )


def columns(wishes) -> list[Column]:
    """The board's columns for `wishes` (already filtered): two queries."""
    in_board = wishes.filter(status__in=BOARD)
    totals = dict(in_board.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    place = Case(
        When(status__in=FINISHED, then=-F("position")),
        default=F("position"),
    )
    ranked = (
        in_board.select_related("organisation")
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[place.asc(), F("status_changed_at").desc(), F("pk").desc()],
            )
        )
        .filter(place__lte=COLUMN_LIMIT)
    )
    by_status = {status: [] for status in BOARD}
    for wish in ranked:
        by_status[wish.status].append(wish)
    now = timezone.now()
    urls = _url_makers()
    board = []
    for status in BOARD:
        shown = sorted(
            by_status[status], key=lambda w: (w.position, -w.status_changed_at.timestamp(), -w.pk)
        )
        moves = _moves(status)
        cards = [card_for(wish, now, moves, urls) for wish in shown]
        ids = [card.wish.pk for card in cards]
        for i, card in enumerate(cards):
            if i > 0:
                card.up = (ids[i - 2] if i > 1 else None, ids[i - 1])
            if i < len(ids) - 1:
                card.down = (ids[i + 1], ids[i + 2] if i + 2 < len(ids) else None)
        board.append(Column(status, WishStatus(status).label, totals.get(status, 0), cards))
    return board


def board_view(request, *, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    filters = BoardFilterForm(request.GET or None)
    wishes = filters.filter(Wish.objects.all())
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Wishes board"),
        "opts": model_admin.opts,
        # The columns need the page's width; the admin's other pages are a click away.
        "is_nav_sidebar_enabled": False,
        "filters": filters,
        "columns": columns(wishes),
        "may_move": model_admin.has_change_permission(request),
        "here": request.get_full_path(),
        "dialog": MoveFields(auto_id="dialog_%s"),
        **card_labels(),
        "column_limit": COLUMN_LIMIT,
    }
    return TemplateResponse(request, "admin/wishes/wish/board.html", context)


# --- Moving cards -----------------------------------------------------------


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _next(request, value) -> str:
    board = reverse("admin:wishes_wish_board")
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return board


def _wish_to_move(request, object_id, model_admin):
    wish = model_admin.get_object(request, unquote(object_id))
    if wish is None:
        raise Http404
    if not model_admin.has_change_permission(request, wish):
        raise PermissionDenied
    return wish


def _renumber(status, moving, by):
    """Number the cards of a column 1, 2, 3… in their order: room between any two again."""
    column = Wish.objects.filter(status=status).exclude(pk=moving.pk)
    for number, wish in enumerate(column.order_by(*Wish._meta.ordering), start=1):
        services.wish_reorder(wish=wish, by=by, position=float(number))


def _landing(wish, status, after, before, by) -> float | None:
    """The position between the cards `after` and `before` (ids) of the column `status`.

    None without neighbours: the service puts the card at the column's end.
    """
    ids = {pk for pk in (after, before) if pk is not None}
    if not ids:
        return None
    for attempt in range(2):
        found = dict(
            Wish.objects.filter(pk__in=ids, status=status)
            .exclude(pk=wish.pk)
            .values_list("pk", "position")
        )
        if len(found) != len(ids):
            break
        position = position_between(found.get(after), found.get(before))
        if position is not None:
            return position
        if attempt == 0:
            _renumber(status, wish, by)
    raise ValidationError(_("The board has changed meanwhile: reload it and try again."))


def _refusal(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def move_view(request, object_id, *, model_admin):
    """A card to another column: the dropped card, its "Move to…" menu, or the move page."""
    try:
        wish = _wish_to_move(request, object_id, model_admin)
    except PermissionDenied:
        if _wants_json(request):
            return JsonResponse({"message": _("You may not move wishes.")}, status=403)
        raise
    posted = request.method == "POST"
    form = MoveForm(
        request.POST if posted else None,
        wish=wish,
        initial={"move_to": request.GET.get("to", ""), "next": request.GET.get("next", "")},
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                position = _landing(
                    wish, data["move_to"], data["after"], data["before"], request.user
                )
                wish = services.wish_move(
                    wish=wish, by=request.user, position=position, **form.move_arguments()
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = _("%(number)s moved to %(status)s.") % {
                "number": wish.number,
                "status": str(WishStatus(wish.status).label).lower(),
            }
            target = _next(request, data["next"])
            if _wants_json(request):
                card = render_to_string(
                    "admin/wishes/wish/board_card.html",
                    {"card": card_for(wish), "may_move": True, "here": target, **card_labels()},
                    request=request,
                )
                return JsonResponse({"message": done, "card": card, "status": wish.status})
            messages.success(request, done)
            return redirect(f"{target}#wish-{wish.pk}")
    if posted and _wants_json(request):
        # What the move needs, for board.js to ask for it; not for a card that moved
        # meanwhile (the board is stale: the card goes back with the message).
        step = states.transition(wish.status, form.data.get("move_to", ""))
        fresh = form.data.get("seen_status", wish.status) == wish.status
        needs = list(step.needs) if fresh and step is not None and step.by == STAFF else []
        return JsonResponse({"message": _refusal(form), "needs": needs}, status=400)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Move %(number)s") % {"number": wish.number},
        "opts": model_admin.opts,
        "wish": wish,
        "form": form,
        "back": _next(request, form["next"].value()),
    }
    return TemplateResponse(
        request, "admin/wishes/wish/move.html", context, status=400 if posted else 200
    )


@require_POST
def reorder_view(request, object_id, *, model_admin):
    """A card up or down its column, between the two cards it now sits between."""
    try:
        wish = _wish_to_move(request, object_id, model_admin)
    except PermissionDenied:
        if _wants_json(request):
            return JsonResponse({"message": _("You may not move wishes.")}, status=403)
        raise
    form = ReorderForm(request.POST)
    target = _next(request, request.POST.get("next"))
    try:
        if not form.is_valid():
            raise ValidationError(_refusal(form))
        with transaction.atomic():
            data = form.cleaned_data
            position = _landing(wish, wish.status, data["after"], data["before"], request.user)
            services.wish_reorder(wish=wish, by=request.user, position=position)
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"message": " ".join(error.messages)}, status=400)
        for message in error.messages:
            messages.error(request, message)
    else:
        done = _("%(number)s has its new place in the column.") % {"number": wish.number}
        if _wants_json(request):
            return JsonResponse({"message": done})
        messages.success(request, done)
    return redirect(f"{target}#wish-{wish.pk}")
