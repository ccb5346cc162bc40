"""The organisation's activity feed: one timeline of its public events, live.

Both views read through activity.feed.feed_for(): the active organisation's
public events that this reader may see. The page lists them by day, 50 at a
time with a keyset "Older" link; an open first page polls feed_live with the
newest event id it has seen and prepends what arrived since.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import feed as feeds
from .forms import FeedFilterForm
from .models import Event


def _read(request, form=None):
    """(form, events, cursor); events is None when the filters are not valid.

    An invalid filter never falls back to the whole feed: the page would look
    filtered while it is not.
    """
    form = form or _form(request)
    if form.is_bound and not form.is_valid():
        return form, None, None
    events = feeds.feed_for(request.user, request.access, request.access.active)
    if not form.is_bound:
        return form, events, None
    data = form.cleaned_data
    events = feeds.filtered(
        events, kind=data["kind"] or None, start=data["date_from"], end=data["date_to"]
    )
    return form, events, data["before"]


def _form(request):
    access = request.access
    return FeedFilterForm(request.GET or None, kinds=feeds.kinds_for(access, access.active))


def _problems(form) -> list[str]:
    """The errors not shown under a visible field: date range, a broken "Older" link."""
    shown = {field.name for field in form.visible_fields()}
    return [
        str(message)
        for name, messages in form.errors.items()
        if name not in shown
        for message in messages
    ]


def _all_problems(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


# The filters a link carries; anything else in the query string is dropped, so
# an unknown parameter does not make the page say it is filtered.
FILTERS = ("kind", "date_from", "date_to")


def _query(request) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in FILTERS:
            params.pop(key)
    return params.urlencode()


def _newest_id() -> int:
    # Any event written after this one is news, whatever the filters: one
    # primary-key lookup instead of a scan of the filtered feed.
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _days_context(rows, access) -> dict:
    today = timezone.localdate()
    return {
        "days": feeds.by_day(feeds.entries(rows, access)),
        "today": today,
        "yesterday": today - timedelta(days=1),
    }


@login_required
@require_GET
def feed(request):
    if request.user.is_staff:
        return redirect("admin:index")
    form, events, cursor = _read(request)
    context = {"form": form, "query": _query(request), "problems": _problems(form)}
    if events is not None:
        # Read first: what is written meanwhile comes through the live poll, once.
        newest = _newest_id()
        rows, older = feeds.page_of(events.filter(pk__lte=newest), cursor)
        context.update(
            _days_context(rows, request.access),
            older=older,
            newest=newest,
            is_latest=cursor is None,
            filtered=bool(context["query"]),
        )
    return render(request, "activity/feed.html", context, status=400 if form.errors else 200)


def _top(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@login_required
@require_GET
def feed_live(request):
    """Polled by an open first page: 204 while nothing new, else the new rows.

    `after` is the newest event id the page has seen, `top` the date of its
    first day heading: rows of that day go into its list, newer days arrive
    with their own heading, and the poller comes back with the new `after`.
    """
    if request.user.is_staff:
        raise Http404
    try:
        after = int(request.GET.get("after", ""))
        top = _top(request.GET.get("top", ""))
    except ValueError:
        return HttpResponseBadRequest(
            _("The live feed needs the id of the newest event shown."), content_type="text/plain"
        )
    form = _form(request)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(_all_problems(form)), content_type="text/plain")
    newest = _newest_id()
    if newest <= after:
        # Nothing at all was recorded since: no filter or scope could show more, so
        # an idle tab costs one primary-key read, not the reading of its feed.
        return HttpResponse(status=204)
    form, events, _cursor = _read(request, form)
    if events is None:
        return HttpResponseBadRequest(" ".join(_all_problems(form)), content_type="text/plain")
    rows = list(events.filter(pk__gt=after, pk__lte=newest)[: feeds.PAGE_SIZE])
    if not rows:
        return HttpResponse(status=204)
    context = _days_context(rows, request.access)
    context.update(
        query=_query(request),
        newest=newest,
        top=top,
        new_top=max(top or date.min, context["days"][0].date),
        is_latest=True,
    )
    return render(request, "activity/feed.html#live", context)
