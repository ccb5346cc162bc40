"""Resources in and out of CSV: the columns, the dry run (`plan`), the import (`apply`)
and the export. No HTTP here: the admin (inventory/admin/importing.py) calls these.

A column left out of the file leaves that field of an existing resource as it is; a
column present with an empty cell empties the field. A row is an existing resource
when its `number` names one of that organisation, else when its asset tag does, else
when its kind and name match exactly one resource of the organisation. The dry run
checks each row with services.resource_check, as a save would, and writes nothing;
the import saves the good rows through services.resource_save, all in one transaction.
"""

import csv
import hashlib
import io
import ipaddress
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from contracts.models import Service
from core.spreadsheet import FORMULA_STARTS, text_cell

from . import attributes, services
from .models import Kind, Period, Resource, Status

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

FIELDS = ["number", "organisation", "kind", "name", "status", "assigned_on", "retired_on"]
FIELDS += ["site", "service", "price", "currency", "price_period", "serial", "asset_tag"]
FIELDS += ["notes", "internal_notes"]
TEXT_FIELDS = ("name", "site", "serial", "asset_tag", "notes", "internal_notes")
REQUIRED = ("organisation", "kind")
CENTS = Decimal("0.01")

CREATE, CHANGE, UNCHANGED, REJECT = "create", "change", "unchanged", "reject"
OUTCOMES = {
    CREATE: gettext_lazy("will be created"),
    CHANGE: gettext_lazy("will be changed"),
    UNCHANGED: gettext_lazy("unchanged"),
    REJECT: gettext_lazy("rejected"),
}


def columns() -> list[str]:
    return [*FIELDS, *attributes.all_attrs()]


@dataclass
class Row:
    line: int
    outcome: str = REJECT
    resource: Resource | None = None
    changes: list[str] = field(default_factory=list)  # the columns whose value changes
    messages: list[str] = field(default_factory=list)

    @property
    def outcome_label(self):
        return OUTCOMES[self.outcome]


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    error: str = ""  # the whole file refused: no row is read
    text: str = ""  # the file as read, for the admin to carry to the confirmation

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def to_write(self) -> list[Row]:
        return [row for row in self.rows if row.outcome in (CREATE, CHANGE)]

    def fingerprint(self) -> str:
        """What the dry run promised, to tell whether a later run of the same file still says so."""
        text = repr([(r.line, r.outcome, r.changes, r.messages) for r in self.rows])
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Summary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0


class RowFailed(Exception):
    """A row the dry run accepted was refused by its save: the whole import was rolled back."""

    def __init__(self, line: int, messages: list[str]):
        super().__init__(f"line {line}: {'; '.join(messages)}")
        self.line, self.messages = line, messages


class FileRefused(Exception):
    pass


# Reading ------------------------------------------------------------------------------


def too_large() -> FileRefused:
    return FileRefused(
        _("The file is larger than %(size)s MB: split it.") % {"size": MAX_BYTES // 2**20}
    )


def _text(data: bytes | str) -> str:
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise too_large()
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileRefused(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    elif len(data.encode()) > MAX_BYTES:
        raise too_large()
    data = data.removeprefix("\ufeff")
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    return data


def _cell(value: str) -> str:
    """A cell as written, without the apostrophe an export put before a formula character."""
    value = value.strip()
    if value[:1] == "'" and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def _read(data: bytes | str) -> tuple[str, dict[str, str], list[tuple[int, dict[str, str]]]]:
    """(the text; the columns as the file names them, by key; each line's number and cells)."""
    text = _text(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        # A blank header cell (a trailing delimiter) is no column: its cells are ignored.
        written = {name.strip().lower(): name.strip() for name in header if name.strip()}
        known = columns()
        unknown = [name for key, name in written.items() if key not in known]
        if unknown:
            raise FileRefused(
                _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
            )
        if len(written) < len([name for name in header if name.strip()]):
            raise FileRefused(_("A column appears twice in the header."))
        if missing := [key for key in REQUIRED if key not in written]:
            raise FileRefused(_("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})
        keys = [name.strip().lower() for name in header]
        rows, start = [], reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS}
                )
            values = dict(zip(keys, map(_cell, cells), strict=False))
            if len(cells) > len(keys):
                values[None] = ""  # more cells than columns: the row is refused
            rows.append((line, values))
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    except csv.Error as error:
        raise FileRefused(_("The file is not valid CSV: %(error)s") % {"error": error}) from None
    return text, written, rows


# Planning ----------------------------------------------------------------------------


class _Context:
    """What the rows refer to, read once for the whole file."""

    def __init__(self, rows):
        # PostgreSQL refuses a NUL in text: such a row is rejected by _row, unread.
        slugs = {values.get("organisation", "") for _line, values in rows} - {""}
        slugs = {slug for slug in slugs if "\x00" not in slug}
        self.organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
        resources = Resource.objects.filter(organisation__in=self.organisations.values())
        self.by_number, self.by_tag, self.by_name = {}, {}, {}
        for resource in resources.select_related("organisation", "service"):
            self.by_number[resource.number] = resource
            if resource.asset_tag:
                self.by_tag[(resource.organisation_id, resource.asset_tag)] = resource
            key = (resource.organisation_id, resource.kind, resource.name)
            self.by_name.setdefault(key, []).append(resource)
        self.services = {}
        for service in Service.objects.filter(organisation__in=self.organisations.values()):
            self.services.setdefault(service.organisation_id, []).append(service)


def _existing(values, organisation, context) -> Resource | None:
    """The resource a row names, or None for a new one; ValidationError keyed by column."""
    if number := values.get("number"):
        resource = context.by_number.get(number)
        if resource is None or resource.organisation_id != organisation.pk:
            raise ValidationError(
                {"number": _("This organisation has no resource %(number)s.") % {"number": number}}
            )
        return resource
    tag = values.get("asset_tag")
    if tag and (organisation.pk, tag) in context.by_tag:
        return context.by_tag[(organisation.pk, tag)]
    matches = context.by_name.get((organisation.pk, values.get("kind"), values.get("name")), [])
    # A row with a tag that matched nothing may add the tag to an untagged resource.
    matches = [m for m in matches if not tag or not m.asset_tag]
    if len(matches) > 1:
        raise ValidationError(
            {"name": _("Several resources have this kind and name: give the number.")}
        )
    return matches[0] if matches else None


def _service(value: str, organisation, context) -> Service | None:
    if not value:
        return None
    candidates = context.services.get(organisation.pk, [])
    for attribute in ("identifier", "name"):
        found = [s for s in candidates if getattr(s, attribute) == value]
        if len(found) > 1:
            raise ValidationError(
                _("Several services of this organisation are called “%(value)s”.")
                % {"value": value}
            )
        if found:
            return found[0]
    raise ValidationError(
        _("This organisation has no service “%(value)s” (give its identifier or name).")
        % {"value": value}
    )


def _choice(value: str, choices):
    if value not in choices.values:
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)}
        )
    return value


def _price(value: str):
    price = Resource._meta.get_field("price").to_python(value)
    if not price.is_finite() or price.as_tuple().exponent < -2:
        return price
    # Stored with two decimals: "12.5" is the 12.50 already there, not a change.
    try:
        return price.quantize(CENTS)
    except InvalidOperation:
        # Too many digits to quantize ("1e30"): the field's own check refuses it.
        return price


# What an empty cell sets (a new resource's status is active; an existing one's stays).
BLANK = {"currency": "", "price_period": "", "status": Status.ACTIVE}
BLANK.update(dict.fromkeys(TEXT_FIELDS, ""))


def _fill(resource: Resource, values: dict, organisation, context) -> dict[str, list]:
    """Set the row's cells on `resource` (in memory); the cells that could not be read."""
    errors = {}
    setters = {
        "kind": lambda v: _choice(v, Kind),
        "status": lambda v: _choice(v, Status),
        "price_period": lambda v: _choice(v, Period),
        "currency": str.upper,
        "service": lambda v: _service(v, organisation, context),
        "assigned_on": Resource._meta.get_field("assigned_on").to_python,
        "retired_on": Resource._meta.get_field("retired_on").to_python,
        "price": _price,
        **dict.fromkeys(TEXT_FIELDS, str),
    }
    for name, setter in setters.items():
        raw = values.get(name)
        if raw is None or (name == "status" and not raw and resource.pk):
            continue
        try:
            setattr(resource, name, setter(raw) if raw else BLANK.get(name))
        except ValidationError as error:
            errors[name] = error.messages
    details = dict(resource.details or {})
    own = {attr.key for attr in attributes.attrs_of(resource.kind)}
    for key in attributes.all_attrs():
        if not values.get(key):
            if key in values:
                details.pop(key, None)
        elif key in own:
            details[key] = values[key]
        else:
            errors[key] = [_("Not an attribute of the kind “%(kind)s”.") % {"kind": resource.kind}]
    resource.details = details
    return errors


def _row(line, values, context, written) -> Row:
    row = Row(line)
    errors = {}
    if None in values:
        errors[None] = [_("This line has more cells than the header has columns.")]
    if any("\x00" in value for value in values.values() if value):
        # PostgreSQL refuses it in text: the save would fail after the dry run accepted it.
        errors.setdefault(None, []).append(_("This line contains a NUL character."))
    slug = values.get("organisation", "")
    organisation = context.organisations.get(slug)
    if organisation is None:
        errors["organisation"] = [
            _("No organisation has the slug “%(value)s”.") % {"value": slug}
            if slug
            else _("This field is required.")
        ]
    try:
        _choice(values.get("kind", ""), Kind)
    except ValidationError as error:
        errors["kind"] = error.messages
    if not errors:
        try:
            before = _existing(values, organisation, context)
        except ValidationError as error:
            errors = error.message_dict
    if not errors:
        resource = copy(before) if before else Resource(organisation=organisation)
        errors = _fill(resource, values, organisation, context)
        try:
            services.resource_check(resource)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, messages)
        row.resource = resource
        if not errors:
            # The one definition of "changed" is the save's: a row said to be
            # unchanged is one whose save would write nothing.
            changes = services.resource_changes(before, resource)
            keys = [key.removeprefix("details.") for key in changes]
            row.changes = [written.get(key, key) for key in keys]
            row.outcome = CHANGE if before and changes else UNCHANGED if before else CREATE
    for key, messages in errors.items():
        name = written.get(key, key) if key not in (None, "__all__") else ""
        row.messages += [f"{name}: {message}" if name else str(message) for message in messages]
    return row


def _in_file_conflict(row: Row, seen: dict, networks: list) -> str:
    """Why `row` clashes with an earlier accepted row of the file ("" when it does not).

    resource_check compares a row with the database only; these are the clashes
    between rows, which would otherwise pass the dry run and fail or duplicate later.
    """
    resource = row.resource
    keys = [("pk", resource.pk)] if resource.pk else []
    if resource.asset_tag:
        keys.append(("tag", resource.organisation_id, resource.asset_tag))
    elif not resource.pk:
        # Two untagged new rows alike would be told apart by nothing on a re-import.
        keys.append(("name", resource.organisation_id, resource.kind, resource.name))
    for key in keys:
        if (line := seen.get(key)) is not None:
            return _("Line %(line)s of the file names the same resource.") % {"line": line}
    network = ipaddress.ip_network(resource.network) if resource.network else None
    if network and resource.status != Status.RETIRED:
        for line, organisation_id, other in networks:
            if (
                organisation_id == resource.organisation_id
                and other.version == network.version
                and network.overlaps(other)
            ):
                return _("%(network)s overlaps %(other)s on line %(line)s of the file.") % {
                    "network": network,
                    "other": other,
                    "line": line,
                }
        networks.append((row.line, resource.organisation_id, network))
    seen.update(dict.fromkeys(keys, row.line))
    return ""


def plan(data: bytes | str) -> Plan:
    """What importing `data` would do, row by row; writes nothing."""
    try:
        text, written, rows = _read(data)
    except FileRefused as error:
        return Plan(error=str(error))
    context = _Context(rows)
    result, seen, networks = Plan(text=text), {}, []
    for line, values in rows:
        row = _row(line, values, context, written)
        if row.outcome != REJECT and (conflict := _in_file_conflict(row, seen, networks)):
            row.outcome, row.changes = REJECT, []
            row.messages.append(conflict)
        result.rows.append(row)
    return result


# Writing -----------------------------------------------------------------------------


def apply(result: Plan, *, by) -> Summary:
    """Save the rows `result` accepts, all or none; RowFailed names the row a save refused."""
    summary = Summary(unchanged=result.count(UNCHANGED), rejected=result.count(REJECT))
    with transaction.atomic():
        for row in result.to_write:
            try:
                changes = services.resource_save(resource=row.resource, by=by, source="import")
            except ValidationError as error:
                raise RowFailed(row.line, error.messages) from error
            except IntegrityError as error:
                message = _("Another change was saved at the same time: run the dry run again.")
                raise RowFailed(row.line, [message]) from error
            if row.outcome == CREATE:
                summary.created += 1
            elif changes:
                summary.changed += 1
            else:
                summary.unchanged += 1
    return summary


# Export ------------------------------------------------------------------------------


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def export_rows(queryset):
    """The header, then one row per resource: what `plan` reads back as unchanged."""
    keys = list(attributes.all_attrs())
    yield columns()
    queryset = queryset.select_related("organisation", "service").order_by("pk")
    for resource in queryset.iterator(chunk_size=500):
        service = resource.service
        cells = [
            resource.number,
            resource.organisation.slug,
            resource.kind,
            resource.name,
            resource.status,
            resource.assigned_on and resource.assigned_on.isoformat(),
            resource.retired_on and resource.retired_on.isoformat(),
            resource.site,
            service and (service.identifier or service.name),
            resource.price,
            resource.currency,
            resource.price_period,
            resource.serial,
            resource.asset_tag,
            resource.notes,
            resource.internal_notes,
            *[resource.details.get(key) for key in keys],
        ]
        yield [text_cell(_shown(cell)) for cell in cells]


def export(queryset) -> bytes:
    """The CSV file, UTF-8 with a BOM so that spreadsheets read its accents right."""
    out = io.StringIO()
    csv.writer(out).writerows(export_rows(queryset))
    return ("\ufeff" + out.getvalue()).encode()
