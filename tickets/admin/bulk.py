"""The queue's bulk actions: each selected ticket through its service, as if done one by one.

Every ticket is changed in its own savepoint, so the service records its event,
moves the SLA clocks and notifies exactly as on the ticket page, and a refusal
undoes that ticket alone. The agent then reads one summary: how many changed,
and each refused ticket's number with the service's reason.

The actions that need a choice (whom to assign, which status, priority or tag)
show an intermediate page first (templates/admin/tickets/ticket/bulk.html,
like the merge action's page); the page posts the selection back with `apply`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import relations, services
from ..admin_forms import agent_status_label
from ..models import Tag
from ..states import Actor, Priority, Status

APPLY = "apply"
# The statuses an agent moves tickets to by hand (new and reopened are where
# tickets arrive, not where agents put them).
BULK_STATUSES = [
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.WAITING_ON_CLIENT,
    Status.WAITING_ON_THIRD_PARTY,
    Status.RESOLVED,
    Status.CLOSED,
]


def run(tickets, change) -> tuple[int, list[tuple[str, str]]]:
    """`change(ticket)` on each ticket in its own savepoint: (changed, [(number, reason)])."""
    changed, refused = 0, []
    for ticket in tickets:
        try:
            with transaction.atomic():
                change(ticket)
        except ValidationError as error:
            refused.append((ticket.number, " ".join(error.messages)))
        else:
            changed += 1
    return changed, refused


def summary(changed: int, refused) -> str:
    text = ngettext("%(count)d ticket changed", "%(count)d tickets changed", changed) % {
        "count": changed
    }
    if not refused:
        return text + "."
    reasons = "; ".join(f"{number}: {reason}" for number, reason in refused)
    return (
        text
        + "; "
        + ngettext("%(count)d refused:", "%(count)d refused:", len(refused))
        % {"count": len(refused)}
        + " "
        + reasons
    )


def report(model_admin, request, changed, refused) -> None:
    level = messages.WARNING if refused else messages.SUCCESS
    model_admin.message_user(request, summary(changed, refused), level)


def _tickets(queryset):
    # In a stable order, so the summary lists refusals as the queue showed them.
    return list(queryset.select_related("organisation").order_by("number"))


# --- The choices ---


def _agents():
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("display_name", "email")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _agents()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, agent_status_label(s)) for s in BULK_STATUSES]


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("New priority"), choices=Priority.choices)


class TagForm(forms.Form):
    tag = forms.CharField(label=_("Tag"), max_length=relations.TAG_MAX)


def _page(model_admin, request, queryset, *, action, title, form_class, change, done):
    """The intermediate page, or, once it was submitted with a valid choice, the change."""
    submitted = APPLY in request.POST
    form = form_class(request.POST if submitted else None)
    if submitted and form.is_valid():
        changed, refused = run(_tickets(queryset), lambda t: change(t, form.cleaned_data))
        report(model_admin, request, changed, refused)
        return None  # back to the queue, which shows the summary
    tickets = _tickets(queryset)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "tickets": tickets,
        "form": form,
        "action": action,
        "done": done,
        "apply": APPLY,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "tags": Tag.objects.values_list("name", flat=True)[:200] if action == "bulk_tag" else [],
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/tickets/ticket/bulk.html", context)


# --- The actions (TicketQueueMixin takes them as methods) ---


@admin.action(description=_("Assign to me"), permissions=["change"])
def assign_to_me(model_admin, request, queryset):
    changed, refused = run(
        _tickets(queryset.exclude(assignee=request.user)),
        lambda t: services.ticket_assign(ticket=t, assignee=request.user, by=request.user),
    )
    report(model_admin, request, changed, refused)


@admin.action(description=_("Assign to…"), permissions=["change"])
def bulk_assign(model_admin, request, queryset):
    return _page(
        model_admin,
        request,
        queryset,
        action="bulk_assign",
        title=gettext("Assign tickets"),
        form_class=AssignForm,
        change=lambda t, data: services.ticket_assign(
            ticket=t, assignee=data["assignee"], by=request.user
        ),
        done=gettext("Assign"),
    )


@admin.action(description=_("Change status…"), permissions=["change"])
def bulk_status(model_admin, request, queryset):
    def change(ticket, data):
        if ticket.status == data["status"]:
            raise ValidationError(gettext("It already has that status."))
        services.ticket_transition(
            ticket=ticket, to=data["status"], by=request.user, actor=Actor.AGENT
        )

    return _page(
        model_admin,
        request,
        queryset,
        action="bulk_status",
        title=gettext("Change the status of tickets"),
        form_class=StatusForm,
        change=change,
        done=gettext("Change status"),
    )


@admin.action(description=_("Change priority…"), permissions=["change"])
def bulk_priority(model_admin, request, queryset):
    return _page(
        model_admin,
        request,
        queryset,
        action="bulk_priority",
        title=gettext("Change the priority of tickets"),
        form_class=PriorityForm,
        change=lambda t, data: services.ticket_set_priority(
            ticket=t, priority=data["priority"], by=request.user
        ),
        done=gettext("Change priority"),
    )


@admin.action(description=_("Add a tag…"), permissions=["change"])
def bulk_tag(model_admin, request, queryset):
    return _page(
        model_admin,
        request,
        queryset,
        action="bulk_tag",
        title=gettext("Tag tickets"),
        form_class=TagForm,
        change=lambda t, data: relations.tag_add(ticket=t, name=data["tag"], by=request.user),
        done=gettext("Add the tag"),
    )
