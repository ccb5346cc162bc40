"""The in-portal notification centre, the bell and the preferences matrix.

Every view reaches notifications through `centre.own(user)`: someone else's
notification id is a 404, like anything out of scope. Clients and staff alike
use the centre; a staff member's links lead to the admin.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.htmx import render_htmx

from . import preferences
from .centre import mark_read as mark_rows_read
from .centre import own, render_many, unread_count
from .channels import registry
from .models import Channel
from .render import render as render_message

PAGE_SIZE = 30
FILTERS = ("all", "unread")


def _get_own(request, pk):
    rows = own(request.user).select_related("event__actor", "event__organisation")
    return get_object_or_404(rows, pk=pk)


def _show(data) -> str:
    return data.get("show") if data.get("show") in FILTERS else "all"


def _centre_url(show: str) -> str:
    url = reverse("notifications:centre")
    return url + "?" + urlencode({"show": show}) if show != "all" else url


def _list_context(request, show: str, page_number=None) -> dict:
    rows = (
        own(request.user)
        .select_related("event__actor", "event__organisation")
        .order_by("-created_at", "-pk")
    )
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    return {
        "page": page,
        "items": render_many(page.object_list, request.user),
        "show": show,
    }


@login_required
@require_GET
def centre(request):
    context = _list_context(request, _show(request.GET), request.GET.get("page"))
    return render_htmx(request, "notifications/centre.html", context, partial="list")


@login_required
@require_GET
def bell(request):
    """Polled by every page: 204 while the count the page shows is right, else a new bell."""
    count = unread_count(request.user)
    if request.GET.get("n") == str(count):
        return HttpResponse(status=204)
    return render(request, "notifications/_bell.html", {"bell_count": count})


@login_required
@require_GET
def open_notification(request, pk):
    notification = _get_own(request, pk)
    mark_rows_read(own(request.user).filter(pk=notification.pk))
    return redirect(render_message(notification.event, request.user).path)


@login_required
@require_POST
def mark_read(request, pk):
    notification = _get_own(request, pk)
    mark_rows_read(own(request.user).filter(pk=notification.pk))
    show = _show(request.POST)
    if request.htmx:
        notification.refresh_from_db(fields=["read_at"])
        context = {
            "item": render_many([notification], request.user)[0],
            "show": show,
            "bell_count": unread_count(request.user),
        }
        return render(request, "notifications/centre.html#row_and_bell", context)
    return redirect(_centre_url(show))


@login_required
@require_POST
def read_all(request):
    count = mark_rows_read(own(request.user))
    show = _show(request.POST)
    if request.htmx:
        context = {**_list_context(request, show), "bell_count": unread_count(request.user)}
        return render(request, "notifications/centre.html#list_and_bell", context)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect(_centre_url(show))


# Preferences ------------------------------------------------------------------------


def _channel_label(key: str) -> str:
    channel = registry().get(key)
    if channel is not None and channel.label:
        return channel.label
    return dict(Channel.choices).get(key, key)


def preferences_context(user) -> dict:
    """What the profile page needs to show the preferences matrix."""
    return {
        "preference_channels": [(key, _channel_label(key)) for key in preferences.channel_keys()],
        "preference_rows": preferences.matrix(user),
    }


@login_required
@require_POST
def preferences_save(request):
    # Whatever is not a known (kind, channel) pair for this user is ignored by save().
    ticked = {
        tuple(value.split(":", 1)) for value in request.POST.getlist("enabled") if ":" in value
    }
    preferences.save(request.user, ticked)
    messages.success(request, _("Your notification preferences have been saved."))
    return redirect(reverse("accounts:profile") + "#notification-preferences")
