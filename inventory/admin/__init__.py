"""Staff keep each client's resources here: the common fields, the attributes of the
resource's kind (a certificate can be read from its PEM), and the history of changes.

Every save goes through services.resource_save, which writes the history row and
the client's events; the form runs services.resource_check first, so that a
refusal (a bad network, an overlapping block) is shown on its field.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from contracts.models import Service
from core.admin import ReadOnlyAdminMixin

from .. import attributes, pem, services
from ..models import Kind, Period, Resource, ResourceChange, Status
from .importing import ImportExportMixin


def _groups() -> dict[str, tuple]:
    """The kinds that share their attributes (hardware), by the first of them: one fieldset each."""
    groups = {}
    for kind, attrs in attributes.SCHEMA.items():
        if attrs:
            first = next((g for g, a in groups.items() if a[1] == attrs), None)
            if first:
                groups[first][0].append(kind)
            else:
                groups[kind] = ([kind], attrs)
    return groups


GROUPS = _groups()


def field_name(kind: str, key: str) -> str:
    group = next(g for g, (kinds, _attrs) in GROUPS.items() if kind in kinds)
    return f"{group}__{key}"


def _attr_field(attr: attributes.Attr) -> forms.Field:
    widget = forms.TextInput(attrs={"size": 40})
    if attr.type == attributes.DATE:
        widget = forms.DateInput(attrs={"type": "date"})
    elif attr.type in (attributes.ADDRESSES, attributes.NAMES):
        widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
    return forms.CharField(
        label=capfirst(attr.label), required=False, widget=widget, help_text=attr.help_text
    )


class ResourceFormBase(forms.ModelForm):
    pem_file = forms.FileField(
        label=_("Certificate file"),
        required=False,
        help_text=_("PEM or DER: fills the common name, alternative names, issuer and expiry."),
    )

    class Meta:
        model = Resource
        fields = [
            "organisation",
            "kind",
            "name",
            "status",
            "service",
            "site",
            "assigned_on",
            "retired_on",
            "serial",
            "asset_tag",
            "price",
            "currency",
            "price_period",
            "notes",
            "internal_notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        details = self.instance.details or {}
        for group, (_kinds, attrs) in GROUPS.items():
            for attr in attrs:
                value = details.get(attr.key)
                value = ", ".join(value) if isinstance(value, list) else value
                self.initial.setdefault(f"{group}__{attr.key}", value)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        details = {
            attr.key: cleaned.get(field_name(kind, attr.key)) for attr in attributes.attrs_of(kind)
        }
        upload = cleaned.get("pem_file")
        if upload:
            if kind != Kind.SSL_CERTIFICATE:
                self.add_error("pem_file", _("A certificate file is for SSL certificates."))
            else:
                try:
                    details.update(pem.read(upload.read(pem.MAX_BYTES + 1)))
                except ValidationError as error:
                    self.add_error("pem_file", error)
        self.instance.details = details
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            services.resource_check(self.instance)
        except ValidationError as error:
            kind = self.instance.kind
            keys = {attr.key for attr in attributes.attrs_of(kind)}
            for field, messages in error.message_dict.items():
                name = field_name(kind, field) if field in keys else field
                self.add_error(name if name in self.fields else None, messages)


# The attribute fields are declared on the class, so that the admin's fieldsets know them.
ResourceForm = type(
    "ResourceForm",
    (ResourceFormBase,),
    {
        f"{group}__{attr.key}": _attr_field(attr)
        for group, (_kinds, attrs) in GROUPS.items()
        for attr in attrs
    },
)


class ResourceChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ResourceChange
    fields = ["at", "by", "origin", "what"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-at", "-pk"]
    verbose_name_plural = _("History")

    @admin.display(description=_("source"))
    def origin(self, change):
        return change.get_source_display()

    # An inline is made afresh for each request: the names below are read once per page.
    _names = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("What changed"))
    def what(self, change):
        if self._names is None:
            self._names = _related_names(change.resource_id)
        return format_html_join(
            "", "<div><strong>{}</strong>: {} → {}</div>", _change_rows(change.fields, self._names)
        ) or format_html("<em>{}</em>", _("no change"))


def _related_names(resource_id) -> dict:
    """{field: {pk: name}} of every organisation and service the resource's history names."""
    ids = {field: set() for field in _RELATED}
    history = ResourceChange.objects.filter(resource_id=resource_id)
    for fields in history.values_list("fields", flat=True):
        for field in _RELATED:
            ids[field].update(v for v in fields.get(field, []) if isinstance(v, int))
    return {
        field: {row.pk: str(row) for row in _RELATED[field].objects.filter(pk__in=ids[field])}
        for field in _RELATED
    }


def _change_rows(fields: dict, names: dict):
    labels = {f.name: f.verbose_name for f in Resource._meta.fields}
    labels.update({f"details.{key}": a.label for key, a in attributes.all_attrs().items()})
    for field, (before, after) in fields.items():
        yield (
            capfirst(labels.get(field, field)),
            _shown(field, before, names),
            _shown(field, after, names),
        )


# What a history row's stored value reads as: a choice's label, a related row's name.
_CHOICES = {"kind": Kind, "status": Status, "price_period": Period}
_RELATED = {"organisation": Organisation, "service": Service}


def _shown(field, value, names):
    if value in (None, "", []):
        return "—"
    if field in _CHOICES:
        try:
            return _CHOICES[field](value).label
        except ValueError:
            return value
    if field in _RELATED:
        return names[field].get(value, f"#{value}")
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _kinds_text(kinds) -> str:
    return ", ".join(str(Kind(kind).label) for kind in kinds)


_kinds_label = lazy(_kinds_text, str)


def _fieldsets():
    common = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "kind",
                    "name",
                    "status",
                    "service",
                    "site",
                    ("assigned_on", "retired_on"),
                    ("serial", "asset_tag"),
                ]
            },
        ),
        (_("Rental price"), {"fields": [("price", "currency", "price_period")]}),
        (_("Notes"), {"fields": ["notes", "internal_notes"]}),
    ]
    for group, (kinds, attrs) in GROUPS.items():
        fields = [f"{group}__{attr.key}" for attr in attrs]
        if "ssl_certificate" in kinds:
            fields.insert(0, "pem_file")
        label = _kinds_label(kinds)
        classes = ["inventory-attrs", *[f"inventory-attrs--{kind}" for kind in kinds]]
        common.append((label, {"fields": fields, "classes": classes}))
    common.append((_("Record"), {"fields": ["number", "expires_on", "created_at", "updated_at"]}))
    return common


@admin.register(Resource)
class ResourceAdmin(ImportExportMixin, admin.ModelAdmin):
    form = ResourceForm
    list_display = ["number", "name", "organisation", "kind", "status", "expires_on", "site"]
    list_filter = ["kind", "status", "organisation"]
    search_fields = ["number", "name", "serial", "asset_tag", "site", "network"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "service"]
    readonly_fields = ["number", "expires_on", "created_at", "updated_at"]
    inlines = [ResourceChangeInline]
    fieldsets = _fieldsets()

    class Media:
        js = ["inventory/admin_kind.js"]
        css = {"all": ["inventory/admin.css"]}

    def save_model(self, request, obj, form, change):
        services.resource_save(resource=obj, by=request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "service")
