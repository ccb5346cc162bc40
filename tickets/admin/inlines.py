"""The client tasks on the ticket page: those asked already, and blank rows to ask more."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import BaseInlineFormSet
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from ..models import ClientTask


class ClientTaskInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The tasks already asked for, read-only: there is no service to edit them."""

    model = ClientTask
    extra = 0
    fields = ["title", "details", "due_date_display", "assignee", "created_by", "done_at"]
    readonly_fields = fields
    verbose_name_plural = _("Asked of the client")
    ordering = ["done_at", "due_date", "pk"]
    classes = ["ticket-tasks"]

    @admin.display(description=_("due date"))
    def due_date_display(self, task):
        if task.due_date is None:
            return "-"
        label = date_format(task.due_date)
        if task.is_overdue:
            return format_html('<span class="ticket-overdue">{} ({})</span>', label, _("overdue"))
        return label

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignee", "created_by")


class _ReadOnce(BaseChoiceIterator):
    """Choices read from their field's queryset the first time a row shows them, then kept.

    Shared by the rows of one formset (the blank row and the row template offer
    the same people); its copies share what was read.
    """

    def __init__(self, choices):
        self.choices, self.read = choices, []

    def __iter__(self):
        if not self.read:
            # Through iter(): extending by the choices themselves would count them first.
            self.read.extend(iter(self.choices))
        return iter(self.read)


class NewClientTaskFormSet(BaseInlineFormSet):
    creates_through_service = True
    _assignees = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        assignee = form.fields.get("assignee")
        if assignee is not None:
            if self._assignees is None:
                self._assignees = _ReadOnce(assignee.choices)
            assignee.choices = self._assignees
        # A tabular row has column headings, not labels: name each input for
        # screen readers.
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # the related-object wrapper
            widget.attrs.setdefault("aria-label", str(field.label))

    @classmethod
    def get_default_prefix(cls):
        # Its own prefix, whether or not the read-only list is on the page.
        return "new_client_tasks"


class NewClientTaskInline(admin.TabularInline):
    """Blank rows to ask the client for something; saved by services.client_task_add."""

    model = ClientTask
    formset = NewClientTaskFormSet
    extra = 1
    fields = ["title", "details", "due_date", "assignee"]
    verbose_name = _("client task")
    verbose_name_plural = _("Ask the client for something")
    classes = ["ticket-tasks"]

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        # services.client_task_add makes an assignee who cannot see the ticket a follower.
        kwargs["help_texts"] = {
            "assignee": _("Someone who does not follow the ticket yet will follow it and be told.")
        }
        formset = super().get_formset(request, obj, **kwargs)
        form = formset.form
        form.base_fields["details"].widget.attrs.update(rows=2, cols=24)
        members = get_user_model().objects.none()
        if obj is not None:
            members = get_user_model().objects.filter(
                memberships__organisation_id=obj.organisation_id,
                memberships__is_active=True,
                is_active=True,
            )
        form.base_fields["assignee"].queryset = members.order_by("display_name", "email")
        return formset
