"""Notifications in the admin: what was sent to whom, what failed and why, webhook endpoints.

Deliveries (notifications on a channel, webhook POSTs) are written by the
fan-out and moved by the workers only, so their admin is read-only. The one
change staff make is "Send again" on failed rows: a supervisor's action
(notifications.change_notification / change_webhookdelivery, see
accounts/roles.py) that puts them back to pending and queues them. Supervisors
manage the organisations' webhook endpoints; agents see deliveries, not
endpoints (their secrets).
"""

import json
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activity.describe import describe
from core import plugins
from core.admin import ReadOnlyAdminMixin, admin_link

from . import webhooks
from .models import (
    Channel,
    DeliveryStatus,
    Notification,
    Preference,
    TelegramLink,
    WebhookDelivery,
    WebhookEndpoint,
)
from .tasks import send_notifications, send_webhooks

ADMIN_CSS = {"all": ["admin_extra/tickets.css", "admin_extra/notifications.css"]}
REASON_CHARS = 60

STATUS_CLASSES = {
    DeliveryStatus.PENDING: "ticket-label--new",
    DeliveryStatus.SENDING: "ticket-label--in_progress",
    DeliveryStatus.RETRYING: "ticket-label--waiting_on_client",
    DeliveryStatus.SENT: "ticket-label--resolved",
    DeliveryStatus.FAILED: "delivery-status--failed",
}


def _moment(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def _status_badge(row):
    badge = format_html(
        '<span class="ticket-label delivery-status {}">{}</span>',
        STATUS_CLASSES.get(row.status, ""),
        row.get_status_display(),
    )
    if row.status == DeliveryStatus.RETRYING and row.next_attempt_at:
        when = _("next: %(moment)s") % {"moment": _moment(row.next_attempt_at)}
        return format_html('{}<div class="delivery-when">{}</div>', badge, when)
    return badge


def _reason(row):
    """The last error, short, with the whole text on hover; red once the row has failed."""
    if not row.last_error:
        return "—"
    failed = " delivery-reason--failed" if row.status == DeliveryStatus.FAILED else ""
    return format_html(
        '<span class="delivery-reason{}" title="{}">{}</span>',
        failed,
        row.last_error,
        Truncator(row.last_error).chars(REASON_CHARS),
    )


def requeue_failed(model, queryset, task, **reset) -> tuple[int, int]:
    """Put the failed rows of `queryset` back to pending and queue them after commit.

    Returns (queued, skipped): rows in any other state are left alone (sent
    ones must not go twice; waiting ones are already on their way).
    """
    ids = list(queryset.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True))
    skipped = queryset.count() - len(ids)
    if ids:
        model.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_at=None,
            last_error="",
            **reset,
        )
        transaction.on_commit(lambda: task.delay(ids))
    return len(ids), skipped


class _ReadOnly(ReadOnlyAdminMixin):
    """Rows the workers write: staff look, and act only through the actions."""

    empty_value_display = "—"

    @admin.display(description=_("user"), ordering="user__email")
    def user_email(self, row):
        # Staff search people by e-mail: show what they search by.
        return row.user.email


class _Deliveries(_ReadOnly):
    """Columns and the "Send again" action shared by notifications and webhook deliveries."""

    task = None
    resend_permission = ""
    reset_on_resend: dict = {}

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, row):
        return _status_badge(row)

    @admin.display(description=_("reason"))
    def reason(self, row):
        return _reason(row)

    @admin.display(description=_("event"), ordering="event__verb")
    def verb(self, row):
        # Break long verbs (ticket_status_changed) at their underscores in narrow columns.
        parts = [escape(part) for part in row.event.verb.split("_")]
        return mark_safe("_<wbr>".join(parts))  # noqa: S308 (each part escaped)

    @admin.display(description=_("event"))
    def event_link(self, row):
        return admin_link(row.event, describe(row.event))

    @admin.display(description=_("last error"))
    def last_error_text(self, row):
        if not row.last_error:
            return "—"
        failed = " delivery-reason--failed" if row.status == DeliveryStatus.FAILED else ""
        return format_html('<pre class="delivery-error{}">{}</pre>', failed, row.last_error)

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, row):
        return _moment(row.created_at)

    @admin.display(description=_("next attempt"))
    def next_attempt(self, row):
        if row.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING):
            return "—"
        return _moment(row.next_attempt_at)

    def has_resend_permission(self, request):
        return request.user.has_perm(self.resend_permission)

    @admin.action(description=_("Send the failed ones again"), permissions=["resend"])
    def send_again(self, request, queryset):
        queued, skipped = requeue_failed(self.model, queryset, self.task, **self.reset_on_resend)
        if queued:
            self.message_user(
                request,
                ngettext("%(count)d row queued again.", "%(count)d rows queued again.", queued)
                % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d row was left alone: only failed rows are sent again.",
                    "%(count)d rows were left alone: only failed rows are sent again.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(key, kind.label) for key, kind in plugins.kinds().items()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


class ChannelFilter(admin.SimpleListFilter):
    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return Channel.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(channel=self.value())
        return queryset


def _channel_label(value):
    try:
        return Channel(value).label
    except ValueError:
        return value


def _kind_label(value):
    kind = plugins.kinds().get(value)
    return kind.label if kind else value


# --- Notifications -------------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(_Deliveries, admin.ModelAdmin):
    task = send_notifications
    resend_permission = "notifications.change_notification"
    list_display = [
        "created",
        "user_email",
        "channel_label",
        "verb",
        "status_badge",
        "attempts",
        "reason",
    ]
    list_filter = ["status", ChannelFilter]
    search_fields = ["user__email"]
    actions = ["send_again"]
    fields = [
        "user",
        "channel_label",
        "event_link",
        "status_badge",
        "attempts",
        "created_at",
        "next_attempt",
        "sent_at",
        "read_at",
        "last_error_text",
    ]
    readonly_fields = fields

    class Media:
        css = ADMIN_CSS

    @admin.display(description=_("channel"), ordering="channel")
    def channel_label(self, row):
        return _channel_label(row.channel)

    def get_queryset(self, request):
        # The changelist skips list_select_related once the queryset has one: all here.
        return super().get_queryset(request).select_related("user", "event__actor")


# --- Webhooks ------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=_("An http:// or https:// address that accepts a POST of JSON."),
    )
    rotate_secret = forms.BooleanField(
        label=_("Rotate the secret"),
        required=False,
        help_text=_(
            "Give the endpoint a new signing secret when saving. Deliveries are signed with "
            "it from then on: update the receiver at the same time."
        ),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["organisation", "url", "description", "is_active"]
        help_texts = {
            "is_active": _("Switched off, the endpoint receives nothing and waits for nothing."),
        }

    def clean_url(self):
        url = self.cleaned_data["url"]
        webhooks.check_url(url)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "organisation", "is_active", "description", "failed"]
    list_filter = ["is_active", ("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["url", "description", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    actions = ["rotate_secrets"]

    class Media:
        css = ADMIN_CSS

    def get_fields(self, request, obj=None):
        fields = ["organisation", "url", "description", "is_active"]
        if obj is None:
            return fields
        return [*fields, "signing_secret", "rotate_secret", "created_at", "failed"]

    def get_readonly_fields(self, request, obj=None):
        return ["signing_secret", "created_at", "failed"] if obj else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED))
            )
        )

    @admin.display(description=_("signing secret"))
    def signing_secret(self, endpoint):
        return format_html(
            '<code class="webhook-secret">{}</code><p class="admin-note">{}</p>',
            endpoint.secret,
            _(
                "The receiver checks the X-Portal-Signature header of each delivery with "
                "this secret. Keep it out of e-mails and tickets."
            ),
        )

    @admin.display(description=_("failed deliveries"), ordering="failed_count")
    def failed(self, endpoint):
        if not endpoint.failed_count:
            return "0"
        url = reverse("admin:notifications_webhookdelivery_changelist")
        query = urlencode({"endpoint__id__exact": endpoint.pk, "status__exact": "failed"})
        return format_html(
            '<a href="{}?{}"><span class="delivery-reason--failed">{}</span></a>',
            url,
            query,
            endpoint.failed_count,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.cleaned_data.get("rotate_secret"):
            webhooks.endpoint_rotate_secret(endpoint=obj)
            self.message_user(
                request,
                _("The endpoint has a new secret: give it to the receiver."),
                messages.WARNING,
            )

    @admin.action(description=_("Rotate the signing secret"), permissions=["change"])
    def rotate_secrets(self, request, queryset):
        endpoints = list(queryset)
        for endpoint in endpoints:
            webhooks.endpoint_rotate_secret(endpoint=endpoint)
        self.message_user(
            request,
            ngettext(
                "%(count)d endpoint has a new secret: give it to its receiver.",
                "%(count)d endpoints have a new secret: give each to its receiver.",
                len(endpoints),
            )
            % {"count": len(endpoints)},
            messages.WARNING,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_Deliveries, admin.ModelAdmin):
    task = send_webhooks
    resend_permission = "notifications.change_webhookdelivery"
    # A 410 shown next to a row waiting to go again would read as its new answer.
    reset_on_resend = {"response_status": None}
    list_display = [
        "created",
        "endpoint_label",
        "verb",
        "status_badge",
        "attempts",
        "response_status",
        "reason",
    ]
    list_filter = [
        "status",
        ("endpoint__organisation", admin.RelatedOnlyFieldListFilter),
        ("endpoint", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["endpoint__url", "endpoint__organisation__name", "event__verb"]
    actions = ["send_again"]
    fields = [
        "endpoint",
        "organisation",
        "event_link",
        "status_badge",
        "attempts",
        "response_status",
        "created_at",
        "next_attempt",
        "sent_at",
        "last_error_text",
        "body",
    ]
    readonly_fields = fields

    class Media:
        css = ADMIN_CSS

    @admin.display(description=_("organisation"), ordering="endpoint__organisation__name")
    def organisation(self, row):
        return row.endpoint.organisation

    @admin.display(description=_("endpoint"), ordering="endpoint__organisation__name")
    def endpoint_label(self, row):
        host = urlsplit(row.endpoint.url).netloc
        return format_html(
            '{}<div class="delivery-endpoint" title="{}">{}</div>',
            row.endpoint.organisation,
            row.endpoint.url,
            host,
        )

    @admin.display(description=_("body"))
    def body(self, row):
        data = webhooks.payload(row.event)
        return format_html(
            '<p class="admin-note">{}</p><pre class="webhook-body">{}</pre>',
            _("As it would be sent now; each attempt is signed when it is made."),
            json.dumps(data, ensure_ascii=False, indent=2),
        )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("endpoint__organisation", "event__actor")
        )


# --- Telegram and preferences ------------------------------------------------------


# The link's reasons are written for its user ("You sent /stop..."); staff read them short.
ENDED_SHORT = {
    TelegramLink.Ended.STOPPED: _("/stop sent"),
    TelegramLink.Ended.UNLINKED: _("unlinked in the profile"),
    TelegramLink.Ended.BLOCKED: _("bot blocked"),
}


class EndedFilter(admin.SimpleListFilter):
    title = _("reason")
    parameter_name = "ended_reason"

    def lookups(self, request, model_admin):
        return list(ENDED_SHORT.items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(ended_reason=self.value())
        return queryset


@admin.register(TelegramLink)
class TelegramLinkAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["user_email", "username", "is_active", "linked", "ended", "reason"]
    list_filter = ["is_active", EndedFilter]
    search_fields = ["user__email", "username"]
    list_select_related = ["user"]
    fields = [
        "user",
        "username",
        "chat_id",
        "is_active",
        "linked_at",
        "ended_at",
        "ended_reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("linked"), ordering="linked_at")
    def linked(self, link):
        return _moment(link.linked_at)

    @admin.display(description=_("ended"), ordering="ended_at")
    def ended(self, link):
        return _moment(link.ended_at)

    @admin.display(description=_("reason"), ordering="ended_reason")
    def reason(self, link):
        return ENDED_SHORT.get(link.ended_reason, "—")


@admin.register(Preference)
class PreferenceAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["user_email", "kind_label", "channel_label", "enabled"]
    list_filter = ["enabled", ChannelFilter, KindFilter]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "kind_label", "channel_label", "enabled"]
    readonly_fields = fields

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, preference):
        return _kind_label(preference.kind)

    @admin.display(description=_("channel"), ordering="channel")
    def channel_label(self, preference):
        return _channel_label(preference.channel)
