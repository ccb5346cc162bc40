"""The client's ticket pages. Each view: access helper, form, service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import SESSION_KEY
from accounts.models import PARTNER, Role, User
from core.htmx import render_htmx
from core.uploads import clean_uploads, file_response
from core.views import act

from . import drawio, queries, services, states
from .extra import answers as extra_answers
from .forms import (
    CallForm,
    EscalateForm,
    ListFilterForm,
    RatingForm,
    ReplyForm,
    TicketForm,
    WatcherForm,
)
from .models import RequestSection, RequestType, Ticket, TicketMute
from .parts import parts
from .states import Actor, Status

PAGE_SIZE = 25


def _client(request):
    if request.user.is_staff:
        # Staff work tickets in the admin; the portal is the client's view.
        raise Http404
    return request.access


def _get_ticket(request, number) -> Ticket:
    _client(request)
    try:
        return queries.ticket_for_detail(request.user, number)
    except Ticket.DoesNotExist as missing:
        raise Http404 from missing


def _get_ticket_light(request, number) -> Ticket:
    _client(request)
    return get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("organisation"), number=number
    )


# The list -------------------------------------------------------------------------


STATUS_GROUPS = {
    "active": list(states.OPEN_STATUSES),
    "waiting": [Status.WAITING_ON_CLIENT],
    "done": list(states.DONE_STATUSES),
}


def _filtered(request, *, rendered=True):
    """(form, tickets). `rendered=False` when the form is only checked, not shown (the
    live poll): the requesters' choices are then built only to check a chosen one."""
    access = request.access
    organisations = access.organisations
    requesters = (
        queries.requesters(request.user, access.active)
        if access.sees_whole_organisation and (rendered or request.GET.get("requester"))
        else User.objects.none()
    )
    form = ListFilterForm(request.GET or None, organisations=organisations, requesters=requesters)
    filters = {"organisation": access.active}
    if form.is_valid():
        data = form.cleaned_data
        status = data.get("status")
        filters.update(
            status=STATUS_GROUPS.get(status, status),
            priority=data.get("priority"),
            category=data.get("category"),
            requester=data.get("requester"),
            q=data.get("q"),
        )
        chosen = data.get("organisation")
        if chosen == "all":
            filters["organisation"] = None
        elif chosen:
            filters["organisation"] = next(
                (o for o in organisations if str(o.pk) == chosen), access.active
            )
    return form, queries.ticket_list(request.user, **filters)


def _version(tickets) -> str:
    latest = tickets.order_by().aggregate(latest=Max("last_activity_at"))["latest"]
    return f"{latest.timestamp():.6f}" if latest else "0"


@login_required
@require_GET
def ticket_list(request):
    _client(request)
    form, tickets = _filtered(request)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        **_columns(page.object_list),
        "version": _version(tickets),
        "query": _query_without_page(request),
    }
    return render_htmx(request, "tickets/list.html", context, partial="results")


@login_required
@require_GET
def ticket_list_live(request):
    """Polled by an open list: 204 while nothing visible changed, else the fresh results."""
    _client(request)
    form, tickets = _filtered(request, rendered=False)
    version = _version(tickets)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/list.html#results",
        {
            "form": form,
            "page": page,
            **_columns(page.object_list),
            "version": version,
            "query": _query_without_page(request),
        },
    )


def _columns(tickets) -> dict:
    """The columns the apps above tickets add to the list (tickets/parts.py)."""
    columns = [column for part in parts() if (column := part.list_column(tickets))]
    return {"columns": columns, **{column.name: column.context for column in columns}}


def _query_without_page(request):
    params = request.GET.copy()
    for key in ("page", "v"):
        params.pop(key, None)
    return params.urlencode()


# Opening a ticket ------------------------------------------------------------------


def _organisation_for_new(request):
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    for organisation in request.access.organisations:
        if str(organisation.pk) == wanted:
            return organisation
    return request.access.active


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    _client(request)
    organisation = _organisation_for_new(request)
    policy = services.policy_for(organisation)
    type_id = request.POST.get("request_type") or request.GET.get("request_type")
    request_type = (
        RequestType.objects.available_to(organisation).filter(pk=type_id).first()
        if type_id and queries.DIGITS.fullmatch(type_id)
        else None
    )
    form = TicketForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        user=request.user,
        client_sets_priority=policy.client_sets_priority,
        request_type=request_type,
        initial={
            "request_type": request_type,
            "category": request_type.default_category if request_type else None,
            # Kept when the organisation select redraws the form.
            "subject": request.GET.get("subject", ""),
            "description": request.GET.get("description", ""),
            # "Open a ticket about this" on another app's page names the service.
            "services": [v for v in request.GET.getlist("service") if queries.DIGITS.fullmatch(v)],
        },
    )
    # The fields the apps above tickets add to the form (tickets/parts.py), each its own form.
    field_panels = [
        (part, panel)
        for part in parts()
        if (panel := part.new_ticket_fields(request, organisation))
    ]
    # Every form is validated, so that each shows its errors at once.
    if request.method == "POST" and all(
        [form.is_valid()] + [panel.context["form"].is_valid() for _part, panel in field_panels]
    ):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                ticket = _open(request, organisation, form, data)
                for part, panel in field_panels:
                    part.new_ticket_save(request, ticket, panel.context["form"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Ticket %(number)s is open. We will keep you posted.")
                % {"number": ticket.number},
            )
            return redirect(ticket)
    sections = RequestSection.objects.prefetch_related("types").order_by("order")
    available = set(RequestType.objects.available_to(organisation).values_list("pk", flat=True))
    context = {
        "form": form,
        "organisation": organisation,
        "request_type": request_type,
        "sections": [
            (section, [t for t in section.types.all() if t.pk in available]) for section in sections
        ],
        "client_sets_priority": policy.client_sets_priority,
        "type_description": request_type.tr("description") if request_type else "",
        "type_guidance": request_type.tr("guidance") if request_type else "",
        # The cards the apps above tickets add beside the form (tickets/parts.py).
        "new_ticket_fields": [panel for _part, panel in field_panels],
        "new_ticket_panels": [
            panel for part in parts() if (panel := part.new_ticket_panel(request, organisation))
        ],
    }
    errors = form.errors or any(panel.context["form"].errors for _part, panel in field_panels)
    status = 400 if errors else 200
    return render_htmx(request, "tickets/create.html", context, partial="form", status=status)


def _open(request, organisation, form, data):
    return services.ticket_open(
        organisation=organisation,
        requester=request.user,
        subject=data["subject"],
        description=data["description"],
        request_type=data.get("request_type"),
        category=data.get("category"),
        priority=data.get("priority"),
        services=data.get("services") or [],
        watchers=data.get("watchers") or [],
        extra=form.extra_values(),
        attachments=data.get("attachments") or [],
    )


# One ticket ------------------------------------------------------------------------


def _detail_context(request, ticket, reply_form=None):
    actor = Actor.CLIENT
    calls = list(ticket.call_requests.select_related("done_by")[:CALLS_SHOWN])
    # The cards the apps above tickets add at the top of the side column (tickets/parts.py).
    side = [panel for part in parts() if (panel := part.side_panel(request, ticket))]
    return {
        "ticket": ticket,
        "extra_answers": extra_answers(ticket),
        "side_panels": side,
        **{panel.name: panel.context for panel in side},
        "reply_form": reply_form or ReplyForm(),
        "can_close": states.can_transition(ticket.status, Status.CLOSED, actor),
        "can_reopen": states.can_transition(ticket.status, Status.REOPENED, actor),
        "can_rate": ticket.status in states.DONE_STATUSES,
        # The stored comment is shown, so changing the stars does not erase it.
        "rating_form": RatingForm(initial=_rating_initial(ticket)),
        "rating_edit_days": services.RATING_EDIT_DAYS,
        "escalate_form": EscalateForm(),
        "call_form": CallForm(initial={"phone": request.user.phone}),
        "calls": calls,
        "pending_call": next((c for c in calls if c.done_at is None), None),
        "watcher_form": WatcherForm(ticket=ticket),
        "manages_watchers": _manages_watchers(request, ticket),
        "muted": TicketMute.objects.filter(ticket=ticket, user=request.user).exists(),
        "is_open": ticket.status not in states.DONE_STATUSES and not ticket.merged_into_id,
        "takes_replies": ticket.takes_replies,
    }


CALLS_SHOWN = 3


def _rating_initial(ticket):
    rating = getattr(ticket, "rating", None)
    return {"score": rating.score, "comment": rating.comment} if rating else {}


def _form_errors(request, form):
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, number):
    ticket = _get_ticket(request, number)
    if request.access.active and ticket.organisation_id != request.access.active.pk:
        # Following a link to another of the user's organisations switches to it.
        request.session[SESSION_KEY] = ticket.organisation_id
    reply_form = None
    if request.method == "POST":
        reply_form = ReplyForm(request.POST, request.FILES)
        if reply_form.is_valid():
            try:
                services.comment_add(
                    ticket=ticket,
                    author=request.user,
                    body=reply_form.cleaned_data["body"],
                    attachments=reply_form.cleaned_data.get("attachments") or [],
                )
            except ValidationError as error:
                reply_form.add_error(None, error)
            else:
                messages.success(request, _("Your reply has been sent."))
                return redirect(reverse("tickets:detail", args=[ticket.number]) + "#latest")
    context = _detail_context(request, ticket, reply_form)
    return render(request, "tickets/detail.html", context, status=400 if reply_form else 200)


@login_required
@require_GET
def ticket_live(request, number):
    """Polled by an open ticket page: 204 while nothing changed, else the live part."""
    _client(request)
    # Only the version is read while nothing changed, not the ticket and its organisation.
    latest = (
        Ticket.objects.visible_to(request.user)
        .filter(number=number)
        .values_list("last_activity_at", flat=True)
        .first()
    )
    if latest is None:
        raise Http404
    if request.GET.get("v") == f"{latest.timestamp():.6f}":
        return HttpResponse(status=204)
    ticket = _get_ticket(request, number)
    context = {**_detail_context(request, ticket), "live_response": True}
    return render(request, "tickets/detail.html#live", context)


@login_required
@require_POST
def ticket_close(request, number):
    ticket = _get_ticket_light(request, number)
    return act(
        request,
        ticket,
        lambda: services.ticket_transition(ticket=ticket, to=Status.CLOSED, by=request.user),
        _("The ticket is closed. Thank you for confirming."),
    )


@login_required
@require_POST
def ticket_reopen(request, number):
    ticket = _get_ticket_light(request, number)
    return act(
        request,
        ticket,
        lambda: services.ticket_transition(ticket=ticket, to=Status.REOPENED, by=request.user),
        _("The ticket is open again; support will pick it up."),
    )


@login_required
@require_POST
def ticket_escalate(request, number):
    ticket = _get_ticket_light(request, number)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(ticket)
    return act(
        request,
        ticket,
        lambda: services.ticket_escalate(
            ticket=ticket, reason=form.cleaned_data["reason"], by=request.user
        ),
        _("The ticket has been escalated."),
    )


@login_required
@require_POST
def ticket_call(request, number):
    ticket = _get_ticket_light(request, number)
    form = CallForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(ticket)
    return act(
        request,
        ticket,
        lambda: services.call_request(
            ticket=ticket,
            phone=form.cleaned_data["phone"],
            preferred_time=form.cleaned_data["preferred_time"],
            by=request.user,
        ),
        _("We will call you."),
    )


@login_required
@require_POST
def ticket_mute(request, number):
    ticket = _get_ticket_light(request, number)
    muted = request.POST.get("muted") == "1"
    services.ticket_mute(ticket=ticket, user=request.user, muted=muted)
    messages.success(
        request,
        _("You will not be notified about this ticket.")
        if muted
        else _("You will be notified about this ticket again."),
    )
    return redirect(ticket)


@login_required
@require_POST
def ticket_rate(request, number):
    ticket = _get_ticket_light(request, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 5 stars."))
        return redirect(ticket)
    return act(
        request,
        ticket,
        lambda: services.rating_set(
            ticket=ticket,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        ),
        _("Thank you for your rating."),
    )


def _manages_watchers(request, ticket) -> bool:
    """The requester, and those who see the whole organisation (managers, its partner).

    A member who only follows someone else's ticket may not widen or narrow
    who reads it; they may only stop following it themselves.
    """
    if ticket.requester_id == request.user.pk:
        return True
    role = next(
        (o.role for o in request.access.organisations if o.pk == ticket.organisation_id), None
    )
    return role in (Role.MANAGER, PARTNER)


@login_required
@require_POST
def watcher_add(request, number):
    ticket = _get_ticket_light(request, number)
    if not _manages_watchers(request, ticket):
        raise Http404
    form = WatcherForm(request.POST, ticket=ticket)
    if not form.is_valid():
        messages.error(request, _("Choose someone from your organisation."))
        return redirect(ticket)
    user = form.cleaned_data["user"]
    return act(
        request,
        ticket,
        lambda: services.watcher_add(ticket=ticket, user=user, by=request.user),
        _("%(name)s will follow this ticket.") % {"name": user},
    )


@login_required
@require_POST
def watcher_remove(request, number, user_id):
    ticket = _get_ticket_light(request, number)
    watcher = get_object_or_404(ticket.watchers.select_related("user"), user_id=user_id)
    if watcher.user_id != request.user.pk and not _manages_watchers(request, ticket):
        raise Http404
    return act(
        request,
        ticket,
        lambda: services.watcher_remove(ticket=ticket, user=watcher.user, by=request.user),
        _("%(name)s no longer follows this ticket.") % {"name": watcher.user},
    )


@login_required
@require_POST
def task_done(request, number, task_id):
    ticket = _get_ticket_light(request, number)
    task = get_object_or_404(ticket.client_tasks, pk=task_id)
    return act(
        request,
        ticket,
        lambda: services.client_task_complete(task=task, by=request.user),
        _("Marked as done: %(title)s") % {"title": task.title},
    )


@login_required
@require_GET
def attachment(request, number, attachment_id):
    ticket = _get_ticket_light(request, number)
    item = get_object_or_404(ticket.attachments.filter(is_internal=False), pk=attachment_id)
    return file_response(item, inline=request.GET.get("inline") == "1")


# Diagrams (draw.io) ----------------------------------------------------------------
# The editor runs in an iframe from settings.DRAWIO_URL and hands the drawing to
# static/js/drawio.js, which posts it here; see tickets/drawio.py.


@login_required
@require_GET
def diagram_editor(request, number):
    """Where the editor is, asked by the page when the client opens it."""
    _get_ticket_light(request, number)
    return _editor_answer()


@login_required
@require_GET
def diagram_editor_new(request):
    """The same, for a diagram drawn on the new-ticket form (it joins the attachments)."""
    _client(request)
    return _editor_answer()


def _editor_answer():
    # draw.io knows "pt-br" but not "en-gb": British readers get its English.
    language = get_language()
    return JsonResponse({"src": drawio.editor_src("en" if language.startswith("en") else language)})


@login_required
@require_POST
def diagram_save(request, number):
    """A drawing from the editor, stored as a public reply carrying NAME.drawio.svg."""
    ticket = _get_ticket_light(request, number)
    upload = request.FILES.get("file")
    try:
        # A diagram is a reply: refused early, before the drawing is read.
        if not ticket.takes_replies:
            raise ValidationError(_("This ticket no longer takes replies."))
        if upload is None:
            raise ValidationError(_("No diagram was sent."))
        upload = drawio.editor_upload(upload, request.POST.get("name", ""))
        cleaned = clean_uploads([upload])
        # The sanitised copy is what will be reopened: it must still hold the diagram.
        if drawio.diagram_xml(cleaned[0].data) is None:
            raise ValidationError(
                _("%(name)s has no draw.io diagram inside it, so it could not be edited again.")
                % {"name": upload.name}
            )
        comment = services.comment_add(
            ticket=ticket, author=request.user, body="", attachments=cleaned
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    attachment = comment.attachments.get()
    messages.success(
        request, _("Your diagram %(name)s was added to the ticket.") % {"name": attachment.name}
    )
    return JsonResponse(
        {
            "name": attachment.name,
            "url": reverse("tickets:attachment", args=[ticket.number, attachment.pk]),
            "redirect": reverse("tickets:detail", args=[ticket.number]) + "#latest",
        },
        status=201,
    )
