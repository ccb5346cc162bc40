"""An agent opens a ticket for a client (who phoned, or wrote from elsewhere).

The form is the portal's TicketForm (the same fields and checks: the request
type's own fields, attachments, the warning about secrets) with the
organisation and the requester in front. tickets.services.ticket_open opens
the ticket, as for the portal, with the agent recorded as who opened it on the
requester's behalf: the same numbering, SLA clocks, event and notifications
(the requester hears of it, since the agent is the actor).

Choosing the organisation (or the request type) redraws the form with its
people, types and fields (static/admin_extra/ticket_open.js); without
JavaScript, a submission for another organisation comes back with the fields
to correct.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User

from . import services
from .forms import TicketForm
from .models import RequestType
from .states import Priority

CARRIED = ("requester", "request_type", "category", "priority", "subject", "description")


class _RequesterField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} <{user.email}>"


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("name")


class OrganisationForm(forms.Form):
    """The first step: whose ticket is it?"""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=_organisations(),
        empty_label=_("Choose the client's organisation"),
    )

    class Media:
        js = ["admin_extra/ticket_open.js"]


class OpenForClientForm(TicketForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=_organisations())
    requester = _RequesterField(
        label=_("Requester"),
        queryset=User.objects.none(),
        empty_label=_("Choose who asks"),
        help_text=_("The client person the ticket is for: they follow it in the portal."),
    )

    class Media:
        js = ["admin_extra/ticket_open.js"]

    def __init__(self, *args, organisation, agent, request_type=None, **kwargs):
        super().__init__(
            *args,
            organisation=organisation,
            user=agent,
            client_sets_priority=True,
            request_type=request_type,
            **kwargs,
        )
        self.fields["organisation"].initial = organisation.pk
        self.fields["requester"].queryset = User.objects.filter(
            memberships__organisation=organisation,
            memberships__is_active=True,
            is_active=True,
            is_staff=False,
        ).order_by("display_name", "email")
        # Empty: the organisation's rules decide, as for a client who does not choose.
        self.fields["priority"].choices = [("", _("By the rules")), *Priority.choices]
        self.fields["priority"].initial = ""
        self.fields["subject"].required = self.fields["description"].required = True
        self.fields["subject"].widget.attrs["class"] = "vTextField"
        self.fields["request_type"].empty_label = _("No particular type")
        self.fields["category"].empty_label = _("No category")
        self.fields["description"].widget.attrs["class"] = "vLargeTextField"
        self.fields["watchers"].help_text = _(
            "People of the client's organisation who will see and follow this ticket."
        )
        self.order_fields(["organisation", "requester", "request_type", "category", "priority"])

    def fieldsets(self):
        request = ["request_type", "category", "priority", "subject", "description"]
        request += [name for name in self.fields if name.startswith("extra_")]
        more = [name for name in ("services", "watchers", "attachments") if name in self.fields]
        if getattr(self, "secrets_found", None):
            more.append("send_anyway")
        return [
            (None, {"fields": ["organisation", "requester"]}),
            (_("The request"), {"fields": request}),
            (None, {"fields": more}),
        ]


def _chosen(request, name, queryset):
    value = request.POST.get(name) or request.GET.get(name) or ""
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return queryset.filter(pk=int(value)).first() if value.isdecimal() else None


def open_for_client_view(model_admin, request):
    organisation = _chosen(request, "organisation", _organisations())
    posted = request.method == "POST"
    if organisation is None:
        form = OrganisationForm(request.POST if posted else None)
        fieldsets = [(None, {"fields": ["organisation"]})]
        return _render(model_admin, request, form, fieldsets)

    request_type = _chosen(request, "request_type", RequestType.objects.available_to(organisation))
    form = OpenForClientForm(
        request.POST if posted and "subject" in request.POST else None,
        request.FILES or None,
        organisation=organisation,
        agent=request.user,
        request_type=request_type,
        initial={name: request.GET[name] for name in CARRIED if name in request.GET},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_open(
                organisation=organisation,
                requester=data["requester"],
                subject=data["subject"],
                description=data["description"],
                request_type=data.get("request_type"),
                category=data.get("category"),
                priority=data.get("priority") or None,
                services=data.get("services") or [],
                watchers=data.get("watchers") or [],
                extra=form.extra_values(),
                attachments=data.get("attachments") or [],
                opened_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.log_addition(request, ticket, [{"added": {}}])
            model_admin.message_user(
                request,
                _("%(number)s is open for %(requester)s.")
                % {"number": ticket.number, "requester": ticket.requester},
                messages.SUCCESS,
            )
            if "_addanother" in request.POST:
                return redirect(reverse("admin:tickets_ticket_add"))
            return redirect(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    return _render(model_admin, request, form, form.fieldsets())


def _render(model_admin, request, form, fieldsets):
    admin_form = helpers.AdminForm(form, fieldsets, {}, model_admin=model_admin)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Open a ticket for a client"),
        "subtitle": None,
        "adminform": admin_form,
        "object_id": None,
        "original": None,
        "is_popup": False,
        "to_field": None,
        "media": model_admin.media + admin_form.media,
        "inline_admin_formsets": [],
        "errors": helpers.AdminErrorList(form, []),
        "preserved_filters": model_admin.get_preserved_filters(request),
    }
    # One way on: the ticket page, where the agent goes on working (or a new form).
    context["show_save_and_continue"] = False
    context["show_save_and_add_another"] = "requester" in form.fields
    return model_admin.render_change_form(request, context, add=True, obj=None)
