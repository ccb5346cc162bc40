"""Every staff action in the admin, in the audit trail.

Two pieces, both mixed in by the portal's admin site (config/admin.py), so that no
app has to remember them:

- `AuditedModelAdmin`, mixed into every registered ModelAdmin by
  `AuditedAdminSite.register`: an add, change or delete through a change form or
  the list's editable columns (before/after of the fields the form changed, and
  of the inlines' rows), a deletion, and every bulk action (its name, the model,
  the ids). Django writes its LogEntry from the same hooks.
- `AuditedAdminSite.admin_view`: a staff POST to a custom admin view (the ticket
  workspace's reply, note and work forms, a merge, a saved view) is one
  `admin_action` row with the URL name and the object, and the object's fields
  that the view changed.

All of it happens inside the admin's own transaction (changeform_view and
delete_view are atomic; a bulk action and a custom POST are made so here), so a
change that rolls back leaves no row.
"""

import functools

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBase

from .models import Action
from .services import is_secret_field, jsonable, record

# The views every ModelAdmin has: audited through the ModelAdmin hooks below.
_MODEL_VIEWS = ("_changelist", "_add", "_change", "_delete", "_history", "_autocomplete")
_REQUEST_CHANGES = "_audit_changes"
# Site views that change nothing, or whose events django.contrib.auth's signals record.
_SITE_VIEWS = ("login", "logout", "index", "app_list", "jsi18n", "autocomplete")
MAX_IDS = 1000


def _form_changes(form) -> dict:
    """{field: [before, after]} of what `form` changed (never a secret's values)."""
    return {
        name: [
            form.get_initial_for_field(form.fields[name], name),
            form.cleaned_data.get(name),
        ]
        for name in form.changed_data
        if name in form.fields
    }


def _formset_changes(formsets) -> list[dict]:
    """The inlines' rows added, changed and deleted, after the formsets were saved."""
    rows = []
    for formset in formsets or ():
        model = formset.model._meta.label
        for obj in getattr(formset, "new_objects", ()):
            rows.append({"model": model, "id": obj.pk, "op": "added", "label": str(obj)})
        for obj, _fields in getattr(formset, "changed_objects", ()):
            form = next((f for f in formset.forms if f.instance is obj), None)
            rows.append(
                {
                    "model": model,
                    "id": obj.pk,
                    "op": "changed",
                    "changes": _form_changes(form) if form is not None else {},
                }
            )
        for obj in getattr(formset, "deleted_objects", ()):
            rows.append({"model": model, "id": obj.pk, "op": "deleted", "label": str(obj)})
    return rows


def _stash(request, obj, changes, inlines):
    getattr(request, _REQUEST_CHANGES, {})[id(obj)] = (changes, inlines)


def _stashed(request, obj):
    return getattr(request, _REQUEST_CHANGES, {}).pop(id(obj), (None, None))


def _audited_action(func, name):
    @functools.wraps(func)
    def run(modeladmin, request, queryset):
        # The changelist is not atomic: the action and its row are made so here.
        with transaction.atomic():
            if name == "delete_selected":
                # Each object deleted is its own admin_delete row (log_deletions).
                return func(modeladmin, request, queryset)
            ids = list(queryset.values_list("pk", flat=True)[: MAX_IDS + 1])
            record(
                action=Action.ADMIN_ACTION,
                request=request,
                label=str(modeladmin.opts.verbose_name_plural),
                extra={
                    "action": name,
                    "model": modeladmin.opts.label,
                    "ids": ids[:MAX_IDS],
                    "count": len(ids) if len(ids) <= MAX_IDS else queryset.count(),
                },
            )
            return func(modeladmin, request, queryset)

    return run


class AuditedModelAdmin:
    """Mixed in before a ModelAdmin class: its writes leave audit rows."""

    audit_mixed_in = True

    def construct_change_message(self, request, form, formsets, add=False):
        # Called after the object and its inlines are saved and before log_*:
        # the moment the form still knows what it changed.
        if not hasattr(request, _REQUEST_CHANGES):
            setattr(request, _REQUEST_CHANGES, {})
        _stash(request, form.instance, _form_changes(form), _formset_changes(formsets))
        return super().construct_change_message(request, form, formsets, add)

    def _audit_write(self, request, obj, action, message):
        changes, inlines = _stashed(request, obj)
        extra = {"model": obj._meta.label}
        if inlines:
            extra["inlines"] = inlines
        if changes is None and message:
            # Logged outside a change form (a password set by a view of its own):
            # Django's own message says which fields.
            extra["message"] = message if isinstance(message, str) else jsonable(message)
        record(action=action, request=request, target=obj, changes=changes or {}, extra=extra)

    def log_addition(self, request, obj, message):
        self._audit_write(request, obj, Action.ADMIN_ADD, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit_write(request, obj, Action.ADMIN_CHANGE, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(
                action=Action.ADMIN_DELETE,
                request=request,
                target=obj,
                extra={"model": obj._meta.label, "fields": _fields_of(obj)},
            )
        return super().log_deletions(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: (_audited_action(func, name), name_, description)
            for name, (func, name_, description) in actions.items()
        }


def _fields_of(obj) -> dict:
    """What a deleted object held: its plain fields, secrets left out."""
    return {
        field.name: jsonable(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if not is_secret_field(field.name)
    }


def _snapshot(model, object_id):
    if model is None or object_id is None:
        return None
    try:
        return model._default_manager.filter(pk=unquote(str(object_id))).first()
    except (ValueError, TypeError, ValidationError):  # not an id of this model's kind
        return None


def _object_changes(before, after) -> dict:
    if before is None or after is None:
        return {}
    changes = {}
    for field in before._meta.concrete_fields:
        if is_secret_field(field.name) or getattr(field, "auto_now", False):
            continue
        old, new = getattr(before, field.attname), getattr(after, field.attname)
        if jsonable(old) != jsonable(new):
            changes[field.name] = [old, new]
    return changes


def not_audited(view):
    """For a custom admin view that changes nothing kept (a presence heartbeat every
    few seconds): its POSTs are not staff actions and would only bury the real ones."""
    view.audit_exempt = True
    return view


class AuditedAdminSite:
    """Mixed in before admin.AdminSite (config.admin.PortalAdminSite)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        from django.contrib.admin import ModelAdmin

        admin_class = admin_class or ModelAdmin
        if not getattr(admin_class, "audit_mixed_in", False):
            admin_class = type(admin_class.__name__, (AuditedModelAdmin, admin_class), {})
            admin_class.__module__ = admin_class.__mro__[2].__module__
            admin_class.__qualname__ = admin_class.__mro__[2].__qualname__
        return super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        if getattr(view, "audit_exempt", False):
            return super().admin_view(view, cacheable)
        return super().admin_view(self._audited_view(view), cacheable)

    def _model_of(self, request):
        """The registered model whose admin URLs this request is under, if any."""
        root = request.path_info.split("/")
        match = request.resolver_match
        for index in range(len(root) - 1):
            try:
                model = apps.get_model(root[index], root[index + 1])
            except (LookupError, ValueError):
                continue
            if model in self._registry:
                return model, (match.kwargs.get("object_id") if match else None)
        return None, None

    def _audited_view(self, view):
        site = self

        @functools.wraps(view)
        def audited(request, *args, **kwargs):
            match = request.resolver_match
            name = match.url_name if match else ""
            if request.method != "POST" or not name or name.endswith(_MODEL_VIEWS):
                return view(request, *args, **kwargs)
            if name == "password_change":
                return site._password_change(view, request, *args, **kwargs)
            model, object_id = site._model_of(request)
            if model is None and name in _SITE_VIEWS:
                return view(request, *args, **kwargs)
            with transaction.atomic():
                before = _snapshot(model, object_id)
                response = view(request, *args, **kwargs)
                after = _snapshot(model, object_id)
                status = response.status_code if isinstance(response, HttpResponseBase) else None
                record(
                    action=Action.ADMIN_ACTION,
                    request=request,
                    target=after or before,
                    changes=_object_changes(before, after),
                    label="" if (after or before) else name,
                    extra={
                        "url_name": name,
                        "model": model._meta.label if model else "",
                        "object_id": str(object_id or ""),
                        "status": status,
                    },
                )
            return response

        return audited

    def _password_change(self, view, request, *args, **kwargs):
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            if getattr(response, "status_code", None) in (301, 302, 303):
                record(
                    action=Action.PASSWORD_CHANGED,
                    request=request,
                    target=request.user,
                    changes={"password": ["", ""]},
                )
        return response
