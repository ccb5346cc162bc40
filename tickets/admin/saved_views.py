"""The queue's saved views, tag and link filters, and its live refresh.

- SavedViewFilter: the sidebar's "Views" with their counts (one aggregate for
  them all, tickets/queue_views.py) and `?view=<id>`, which applies the view's Q
  and sort; a view the agent may not see is ignored.
- TagFilter (`?tag=<slug>`) and LinkedFilter (`?linked=yes|no`).
- urls(): saving the current filters as a personal view, choosing one's
  default view, and the live poll (tickets/live.py answers the unchanged case).
- SavedViewAdmin: agents rename and delete their own views; supervisors
  (tickets.manage_shared_views) manage the shared ones.
"""

import hashlib
import json
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import live, queue_views
from ..models import SavedView, Tag, TicketLink
from ..states import OPEN_STATUSES
from .common import ADMIN_CSS

VIEW_PARAM = "view"


class SavedViewFilter(admin.SimpleListFilter):
    title = _("views")
    parameter_name = VIEW_PARAM
    template = "admin/tickets/ticket/saved_views_filter.html"

    def __init__(self, request, params, model, model_admin):
        self.views = queue_views.views_for(request.user)
        self.by_id = {str(view.pk): view for view in self.views}
        super().__init__(request, params, model, model_admin)
        self.chosen = self.by_id.get(self.value() or "")
        self.default = queue_views.default_for(request.user, self.views)
        # The admin's ordering (TicketQueueMixin.get_ordering) follows the view.
        request.queue_view, request.queue_default = self.chosen, self.default

    # Counting every view over all tickets is most of the queue's database time;
    # the counts hold until a ticket changes (the live queue's version) or a minute
    # passes (a waiting ticket crossing its days, a deadline passing).
    COUNTS_SECONDS = 60

    def lookups(self, request, model_admin):
        counts = None
        key = self._counts_key(request.user)
        if key is not None:
            counts = cache.get(key)
        if counts is None:
            counts = queue_views.counts(self.views, model_admin.tickets(request), request.user)
            if key is not None:
                cache.set(key, counts, self.COUNTS_SECONDS)
        return [(str(view.pk), (view, counts.get(view.pk, 0))) for view in self.views]

    def _counts_key(self, user):
        version = live.version()
        if version is None:
            return None
        views = hashlib.sha256(
            json.dumps(
                [(v.pk, v.filters, v.owner_id) for v in self.views], sort_keys=True, default=str
            ).encode()
        ).hexdigest()[:16]
        day = queue_views.end_of_today().date().isoformat()
        # The user's join date too: a database made again (tests) reuses the ids.
        who = f"{user.pk}.{user.date_joined.timestamp():.0f}"
        return f"queue-counts:{connection.settings_dict['NAME']}:{who}:{version}:{day}:{views}"

    def has_output(self):
        return bool(self.views)

    def queryset(self, request, queryset):
        if self.chosen is not None:
            return queryset.filter(queue_views.q_for(self.chosen.filters, request.user))
        if self.value() and "status" not in request.GET:
            # An unknown view is ignored: the queue as if none was asked for.
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset

    def choices(self, changelist):
        for lookup, (view, count) in self.lookup_choices:
            yield {
                "selected": self.chosen is not None and str(self.chosen.pk) == lookup,
                # A view is a whole filter: choosing one drops the others.
                "query_string": f"?{VIEW_PARAM}={lookup}",
                "display": view.tr("name"),
                "count": count,
                "own": view.owner_id is not None,
                "default": self.default is not None and view.pk == self.default.pk,
                "view": view,
            }


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(tag.slug, tag.name) for tag in Tag.objects.only("slug", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tagged = Tag.tickets.through.objects.filter(tag__slug=self.value())
        return queryset.filter(pk__in=tagged.values("ticket_id"))


class LinkedFilter(admin.SimpleListFilter):
    title = _("links")
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("yes", _("Linked to other tickets")), ("no", _("No links"))]

    def queryset(self, request, queryset):
        linked = Exists(TicketLink.objects.filter(from_ticket=OuterRef("pk"))) | Exists(
            TicketLink.objects.filter(to_ticket=OuterRef("pk"))
        )
        if self.value() == "yes":
            return queryset.filter(linked)
        if self.value() == "no":
            return queryset.filter(~linked)
        return queryset


# --- Saving the queue's filters, the default view, the poll ---


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    sort = forms.ChoiceField(label=_("Sort"), choices=queue_views.SORT_CHOICES)
    params = forms.CharField(widget=forms.HiddenInput, required=False)


def queue_context(request, changelist) -> dict:
    """What the queue's template adds to Django's changelist: the views' form and the poll."""
    params = changelist.get_query_string(remove=["p"]).lstrip("?")
    poll = QueryDict(params, mutable=True)
    poll[live.VERSION_PARAM] = live.version() or ""
    poll[live.TOKEN_PARAM] = live.token(request.user)
    if changelist.page_num > 1:
        poll["p"] = str(changelist.page_num)
    return {
        "save_view_form": SaveViewForm(
            initial={"params": params, "sort": queue_views.DEFAULT_SORT}, auto_id="save-view-%s"
        ),
        "queue_poll_url": f"{reverse('admin:tickets_ticket_queue_poll')}?{poll.urlencode()}",
        "queue_poll_seconds": live.POLL_SECONDS,
        "admin_apps_url": f"{reverse('admin:index')}?apps=1",
        "queue_view": getattr(request, "queue_view", None),
        "queue_default": getattr(request, "queue_default", None),
    }


def urls(model_admin):
    wrap = model_admin.admin_site.admin_view
    return [
        # Not behind admin_view: a signed-out page must stop polling (286), not have
        # the login page swapped into its rows.
        path(
            "queue/poll/",
            never_cache(partial(poll_view, model_admin=model_admin)),
            name="tickets_ticket_queue_poll",
        ),
        path(
            "queue/views/save/",
            wrap(partial(save_view, model_admin=model_admin)),
            name="tickets_ticket_view_save",
        ),
        path(
            "queue/views/<int:view_id>/default/",
            wrap(partial(default_view, model_admin=model_admin)),
            name="tickets_ticket_view_default",
        ),
    ]


def _queue_url(params="") -> str:
    url = reverse("admin:tickets_ticket_changelist")
    return f"{url}?{params}" if params else url


@require_POST
def save_view(request, *, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = SaveViewForm(request.POST)
    params = QueryDict(request.POST.get("params", ""))
    if not form.is_valid():
        messages.error(request, gettext("Give the view a name."))
        return redirect(_queue_url(params.urlencode()))
    try:
        view = queue_views.view_save(
            user=request.user,
            name=form.cleaned_data["name"],
            filters=queue_views.from_params(params, request.user),
            sort=form.cleaned_data["sort"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_queue_url(params.urlencode()))
    messages.success(request, gettext("The view “%(name)s” is saved.") % {"name": view.name})
    return redirect(_queue_url(f"{VIEW_PARAM}={view.pk}"))


@require_POST
def default_view(request, view_id, *, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    view = get_object_or_404(SavedView.objects.visible_to(request.user), pk=view_id)
    queue_views.default_set(user=request.user, view=view)
    messages.success(
        request,
        gettext("“%(name)s” is now the view you land on.") % {"name": view.tr("name")},
    )
    return redirect(_queue_url(f"{VIEW_PARAM}={view.pk}"))


def poll_view(request, *, model_admin):
    """The page's rows again, once the queue's version moved (else QueuePollMiddleware's 204)."""
    if not (request.user.is_active and request.user.is_staff) or not (
        model_admin.has_view_permission(request)
    ):
        # htmx stops polling on 286: a page left open after losing access.
        return HttpResponse(status=286)
    current = live.version()
    if current is not None and request.GET.get(live.VERSION_PARAM) == current:
        return HttpResponse(status=204)  # a token too old for the middleware
    request.GET = request.GET.copy()
    for param in (live.VERSION_PARAM, live.TOKEN_PARAM):
        request.GET.pop(param, None)
    changelist = model_admin.get_changelist_instance(request)
    changelist.formset = None  # the queue edits nothing in its rows
    context = {
        "cl": changelist,
        "opts": model_admin.opts,
        **queue_context(request, changelist),
    }
    return TemplateResponse(request, "admin/tickets/ticket/queue_results.html", context)


# --- The views' own admin ---


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "name_es", "name_pt", "name_fr", "sort", "position"]
        widgets = {"sort": forms.Select(choices=queue_views.SORT_CHOICES)}


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    """Renaming and deleting views; a view's filter is set from the queue when it is saved."""

    form = SavedViewForm
    list_display = ["__str__", "shared_label", "sort", "position"]
    readonly_fields = ["filters"]

    class Media:
        css = ADMIN_CSS

    def _manages_shared(self, request) -> bool:
        return request.user.has_perm("tickets.manage_shared_views")

    def get_queryset(self, request):
        views = super().get_queryset(request)
        mine = Q(owner=request.user)
        return (
            views.filter(mine | Q(owner__isnull=True))
            if self._manages_shared(request)
            else (views.filter(mine))
        )

    def get_fields(self, request, obj=None):
        if obj is not None and obj.owner_id is not None:
            return ["name", "sort", "filters"]
        return ["name", "name_es", "name_pt", "name_fr", "sort", "position", "filters"]

    def has_add_permission(self, request):
        # A view is saved from the queue, with the queue's filters.
        return False

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj, "delete")

    def _may(self, request, obj, action) -> bool:
        if not request.user.has_perm(f"tickets.{action}_savedview"):
            return False
        if obj is None:
            return True
        return obj.owner_id == request.user.pk or (
            obj.owner_id is None and self._manages_shared(request)
        )

    @admin.display(description=_("shared"), boolean=True)
    def shared_label(self, obj):
        return obj.owner_id is None

    def response_post_save_change(self, request, obj):
        return redirect(_queue_url(f"{VIEW_PARAM}={obj.pk}"))
