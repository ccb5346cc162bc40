"""The client's wishes: the board and its list view, a wish's page, and its actions.

Everything reads through Wish.objects.visible_to(user, organisation=) for the
organisation the reader acts for; a wish out of reach is a 404. Writes go through
wishes.services, whose refusals come back as messages in the reader's language.
"""

from collections import defaultdict
from itertools import pairwise

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import SESSION_KEY
from accounts.models import User
from core.htmx import render_htmx
from core.uploads import file_response
from core.views import act
from tickets.models import Ticket

from . import diff, services, states
from .forms import BoardFilterForm, CommentForm, WishForm
from .models import Wish, WishMute, WishVote
from .states import AUTHOR, WishStatus


def _client(request):
    if request.user.is_staff:
        # Staff review wishes in the admin; the portal is the client's view.
        raise Http404
    if request.access.active is None:
        raise Http404
    return request.access


def _visible(request):
    return Wish.objects.visible_to(request.user, organisation=request.access.active)


def _get_wish(request, number) -> Wish:
    _client(request)
    wish = (
        Wish.objects.visible_to(request.user)
        .select_related("organisation", "author", "resubmitted_from")
        .filter(number=number)
        .first()
    )
    if wish is None:
        raise Http404
    if wish.organisation_id != request.access.active.pk:
        # Following a link to another of the user's organisations switches to it.
        request.session[SESSION_KEY] = wish.organisation_id
    return wish


# The board and the list ------------------------------------------------------------


def _filtered(request):
    access = _client(request)
    wishes = _visible(request)
    authors = User.objects.filter(
        pk__in=_visible(request).exclude(status=WishStatus.DRAFT).values("author")
    ).order_by("display_name")
    form = BoardFilterForm(request.GET or None, organisation=access.active, authors=authors)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = Q(title__icontains=data["q"]) | Q(description__icontains=data["q"])
            text |= Q(number__iexact=data["q"])
            wishes = wishes.filter(text)
        if data["service"]:
            wishes = wishes.filter(services=data["service"])
        if data["value"]:
            wishes = wishes.filter(value=data["value"])
        if data["author"]:
            wishes = wishes.filter(author=data["author"])
        if data["mine"]:
            wishes = wishes.filter(author=request.user)
    return form, wishes


def _query(request) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in ("q", "service", "value", "author", "mine"):
            params.pop(key)
    return params.urlencode()


def _version(wishes) -> str:
    # Any move, edit, vote or comment touches updated_at or status_changed_at; a
    # deleted draft changes the count.
    latest = wishes.order_by().aggregate(
        moved=Max("status_changed_at"), changed=Max("updated_at"), count=Count("pk")
    )
    return "|".join(
        f"{value.timestamp():.6f}" if hasattr(value, "timestamp") else str(value or 0)
        for value in latest.values()
    )


CARD_FIELDS = (
    "pk",
    "number",
    "title",
    "status",
    "value",
    "votes_count",
    "comments_count",
    "status_changed_at",
    "target_date",
    "author_id",
    "organisation_id",
)


def _board_context(request, form, wishes) -> dict:
    now = timezone.now()
    shown = (
        wishes.exclude(status=WishStatus.DRAFT)
        .only(*CARD_FIELDS)
        .order_by("position", "-status_changed_at", "-pk")
    )
    voted = set(
        WishVote.objects.filter(user=request.user, wish__in=shown.values("pk")).values_list(
            "wish_id", flat=True
        )
    )
    by_status = defaultdict(list)
    for wish in shown:
        wish.age_days = (now - wish.status_changed_at).days
        wish.voted = wish.pk in voted
        by_status[wish.status].append(wish)
    columns = [
        {"status": status, "label": status.label, "wishes": by_status.get(status, [])}
        for status in states.BOARD
    ]
    drafts = list(wishes.filter(status=WishStatus.DRAFT, author=request.user).only(*CARD_FIELDS))
    return {
        "form": form,
        "columns": columns,
        "drafts": drafts,
        "count": sum(len(column["wishes"]) for column in columns),
        "query": _query(request),
        "version": _version(wishes),
    }


@login_required
@require_GET
def board(request):
    form, wishes = _filtered(request)
    return render_htmx(
        request, "wishes/board.html", _board_context(request, form, wishes), partial="board"
    )


@login_required
@require_GET
def wish_list(request):
    form, wishes = _filtered(request)
    return render_htmx(
        request, "wishes/list.html", _board_context(request, form, wishes), partial="results"
    )


@login_required
@require_GET
def board_live(request):
    """Polled by an open board or list: 204 while nothing visible changed, else the fresh part."""
    form, wishes = _filtered(request)
    if request.GET.get("v") == _version(wishes):
        return HttpResponse(status=204)
    context = _board_context(request, form, wishes)
    template = (
        "wishes/list.html#results"
        if request.GET.get("view") == "list"
        else "wishes/board.html#board"
    )
    return render(request, template, context)


# Writing a wish -----------------------------------------------------------------------


def _wish_fields(data) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "value": data["value"],
        "desired_date": data.get("desired_date"),
        "visible_to_organisation": data.get("visible_to_organisation", False),
    }


@login_required
@require_http_methods(["GET", "POST"])
def wish_create(request):
    access = _client(request)
    form = WishForm(request.POST or None, request.FILES or None, organisation=access.active)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wish = services.wish_create(
                organisation=access.active,
                author=request.user,
                services=data.get("services") or (),
                attachments=data["attachments"],
                **_wish_fields(data),
            )
            if "submit" in request.POST:
                services.wish_submit(wish=wish, by=request.user)
        except services.ValidationError as error:
            form.add_error(None, error)
        else:
            if wish.status == WishStatus.DRAFT:
                messages.success(request, _("Your draft is saved. Submit it when it is ready."))
            else:
                messages.success(request, _("Your wish is sent. Support will review it."))
            return redirect(wish)
    return render(
        request,
        "wishes/form.html",
        {"form": form, "wish": None},
        status=400 if form.errors else 200,
    )


def _editable(request, wish):
    if wish.author_id != request.user.pk or wish.status not in states.EDITABLE:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def wish_edit(request, number):
    wish = _get_wish(request, number)
    _editable(request, wish)
    initial = {
        "title": wish.title,
        "description": wish.description,
        "value": wish.value,
        "desired_date": wish.desired_date,
        "visible_to_organisation": wish.visible_to_organisation,
        "services": list(wish.services.all()),
    }
    form = WishForm(
        request.POST or None, request.FILES or None, organisation=wish.organisation, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.wish_update(
                wish=wish,
                by=request.user,
                services=data.get("services") if "services" in form.fields else None,
                attachments=data["attachments"],
                **_wish_fields(data),
            )
            if "submit" in request.POST:
                services.wish_submit(wish=wish, by=request.user)
        except services.ValidationError as error:
            form.add_error(None, error)
        else:
            if "submit" in request.POST:
                messages.success(request, _("Your wish is sent. Support will review it."))
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect(wish)
    return render(
        request,
        "wishes/form.html",
        {"form": form, "wish": wish},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def wish_submit(request, number):
    wish = _get_wish(request, number)
    return act(
        request,
        wish,
        lambda: services.wish_submit(wish=wish, by=request.user),
        _("Your wish is sent. Support will review it."),
    )


@login_required
@require_POST
def wish_delete(request, number):
    wish = _get_wish(request, number)
    return act(
        request,
        "wishes:board",
        lambda: services.wish_delete_draft(wish=wish, by=request.user),
        _("The draft is deleted."),
    )


@login_required
@require_POST
def wish_resubmit(request, number):
    wish = _get_wish(request, number)
    try:
        copy = services.wish_resubmit_copy(wish=wish, by=request.user)
    except services.ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(wish)
    messages.success(
        request,
        _("A new draft was made from %(number)s: adjust it, then submit it.")
        % {"number": wish.number},
    )
    return redirect("wishes:edit", number=copy.number)


# A wish's page ---------------------------------------------------------------------------


def _detail_context(request, wish, comment_form=None) -> dict:
    access = request.access
    comments = list(
        wish.comments.filter(is_internal=False)
        .select_related("author")
        .prefetch_related("attachments")
    )
    linked = list(wish.tickets.order_by("created_at"))
    visible_tickets = set(
        Ticket.objects.visible_to(request.user)
        .filter(pk__in=[t.pk for t in linked])
        .values_list("pk", flat=True)
    )
    is_author = wish.author_id == request.user.pk
    votes = WishVote.objects.filter(wish=wish)
    return {
        "wish": wish,
        "services": list(wish.services.all()),
        "attachments": list(wish.attachments.filter(is_internal=False, comment__isnull=True)),
        "comments": comments,
        "comment_form": comment_form or CommentForm(),
        "tickets": [(t, t.pk in visible_tickets) for t in linked],
        "versions": wish.versions.count(),
        "voted": votes.filter(user=request.user).exists(),
        "voters": list(votes.select_related("user").order_by("user__display_name"))
        if access.sees_whole_organisation
        else None,
        "is_author": is_author,
        "can_edit": is_author and wish.status in states.EDITABLE,
        "can_submit": is_author and bool(states.moves_from(wish.status, AUTHOR)),
        "can_delete": is_author and wish.status == WishStatus.DRAFT,
        "can_resubmit": is_author
        and wish.status == WishStatus.NOT_ACCEPTED
        and not Wish.objects.filter(resubmitted_from=wish).exists(),
        "resubmitted_as": Wish.objects.visible_to(request.user)
        .filter(resubmitted_from=wish)
        .first(),
        "can_vote": wish.status != WishStatus.DRAFT,
        "sees_estimate": access.sees_whole_organisation or is_author,
        "muted": WishMute.objects.filter(wish=wish, user=request.user).exists(),
        "steps": _steps(wish),
    }


def _steps(wish) -> list[dict]:
    """The workflow as the client follows it: done, current and next steps."""
    path = [
        WishStatus.SUBMITTED,
        WishStatus.IN_REVIEW,
        WishStatus.APPROVED,
        WishStatus.PLANNED,
        WishStatus.IN_PROGRESS,
        WishStatus.DONE,
    ]
    current = wish.status
    if current == WishStatus.CHANGES_REQUESTED:
        position = 1
    elif current in path:
        position = path.index(current)
    else:
        position = -1
    return [
        {
            "label": status.label,
            "state": "done" if i < position else "current" if i == position else "todo",
        }
        for i, status in enumerate(path)
    ]


@login_required
@require_GET
def wish_detail(request, number):
    wish = _get_wish(request, number)
    return render(request, "wishes/detail.html", _detail_context(request, wish))


@login_required
@require_POST
def wish_vote(request, number):
    wish = _get_wish(request, number)
    on = request.POST.get("vote", "1") == "1"
    response = act(
        request,
        wish,
        lambda: services.wish_vote(wish=wish, user=request.user, on=on),
    )
    if request.htmx:
        wish.refresh_from_db(fields=["votes_count"])
        voted = WishVote.objects.filter(wish=wish, user=request.user).exists()
        return render(request, "wishes/_vote.html", {"wish": wish, "voted": voted})
    return response


@login_required
@require_POST
def wish_comment(request, number):
    wish = _get_wish(request, number)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            comment = services.wish_comment(
                wish=wish,
                author=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except services.ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(reverse("wishes:detail", args=[wish.number]) + f"#comment-{comment.pk}")
    return render(
        request, "wishes/detail.html", _detail_context(request, wish, comment_form=form), status=400
    )


@login_required
@require_POST
def wish_mute(request, number):
    wish = _get_wish(request, number)
    muted = request.POST.get("muted") == "1"
    services.wish_mute(wish=wish, user=request.user, muted=muted)
    if muted:
        messages.success(request, _("You will get no more notifications about this wish."))
    else:
        messages.success(request, _("You will be notified about this wish again."))
    return redirect(wish)


@login_required
@require_GET
def wish_versions(request, number):
    wish = _get_wish(request, number)
    versions = list(wish.versions.select_related("submitted_by"))
    changes = [
        {
            "version": newer,
            "previous": older,
            "title": diff.words(older.title, newer.title),
            "description": diff.words(older.description, newer.description),
        }
        for older, newer in pairwise(versions)
    ]
    return render(
        request,
        "wishes/versions.html",
        {"wish": wish, "versions": versions, "changes": list(reversed(changes))},
    )


@login_required
@require_GET
def attachment_download(request, number, attachment_id):
    wish = _get_wish(request, number)
    item = get_object_or_404(wish.attachments.filter(is_internal=False), pk=attachment_id)
    return file_response(item, inline=request.GET.get("inline") == "1")
