"""Resources in and out of CSV (inventory/csvio.py) and its admin pages
(inventory/admin/importing.py): the dry run writes nothing and says why a row is
refused, the import saves the good rows in one go, a re-import and an export read
back change nothing, and only staff who may add and change resources import."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from contracts.models import Service
from inventory import csvio, services
from inventory.models import Kind, Resource, ResourceChange, Status
from tests.factories import UserFactory

LIST = reverse("admin:inventory_resource_changelist")
IMPORT = reverse("admin:inventory_resource_import")
EXPORT = reverse("admin:inventory_resource_export")


def make(organisation, kind, name, **fields) -> Resource:
    resource = Resource(organisation=organisation, kind=kind, name=name, **fields)
    services.resource_save(resource=resource)
    return resource


def csv_text(header: str, *rows: str) -> str:
    return "\n".join([header, *rows]) + "\n"


def outcomes(plan) -> dict[int, str]:
    return {row.line: row.outcome for row in plan.rows}


def reasons(plan, line) -> str:
    return " | ".join(next(row.messages for row in plan.rows if row.line == line))


def counts():
    return Resource.objects.count(), ResourceChange.objects.count()


@pytest.fixture
def existing(world):
    """A tagged switch, an address block and a certificate of world.org."""
    return {
        "switch": make(
            world.org,
            Kind.SWITCH,
            "core-sw1",
            asset_tag="T-1",
            site="Santiago",
            details={"vendor": "Cisco"},
        ),
        "block": make(world.org, Kind.IP_BLOCK, "LAN", details={"cidr": "203.0.113.0/24"}),
        "cert": make(
            world.org,
            Kind.SSL_CERTIFICATE,
            "www",
            details={"common_name": "www.andes.test", "expires_on": "2027-01-15"},
        ),
    }


HEADER = (
    "organisation,kind,name,asset_tag,site,price,currency,price_period,assigned_on,"
    "cidr,common_name,expires_on"
)
ROWS = [
    "andes,virtual_machine,vm-1,,,,,,,,,",  # 2: create
    "andes,switch,core-sw1,T-1,Valparaíso,,,,,,,",  # 3: change (site)
    "andes,ssl_certificate,www,,,,,,,,www.andes.test,2027-01-15",  # 4: unchanged
    "andes,ip_block,DMZ,,,,,,,203.0.113.128/25,,",  # 5: overlaps the database's block
    "andes,ip_block,Bad,,,,,,,10.0.0.300/24,,",  # 6: not a network
    "andes,switch,sw-2,,,-5,EUR,monthly,,,,",  # 7: negative price
    "andes,toaster,t,,,,,,,,,",  # 8: unknown kind
    "nowhere,switch,sw-3,,,,,,,,,",  # 9: unknown organisation
    "andes,switch,sw-4,,,,,,01/02/2025,,,",  # 10: bad date
    "andes,ip_block,Net A,,,,,,,198.51.100.0/24,,",  # 11: create
    "andes,ip_block,Net B,,,,,,,198.51.100.128/25,,",  # 12: overlaps line 11
]
FILE = csv_text(HEADER, *ROWS)


def test_dry_run_says_what_each_row_would_do_and_writes_nothing(existing):
    before = counts()
    plan = csvio.plan(FILE)
    assert counts() == before
    assert outcomes(plan) == {
        2: "create",
        3: "change",
        4: "unchanged",
        5: "reject",
        6: "reject",
        7: "reject",
        8: "reject",
        9: "reject",
        10: "reject",
        11: "create",
        12: "reject",
    }
    change = next(row for row in plan.rows if row.line == 3)
    assert change.changes == ["site"] and change.resource.number == existing["switch"].number
    assert reasons(plan, 5).startswith("cidr: 203.0.113.128/25 overlaps 203.0.113.0/24")
    assert reasons(plan, 6).startswith("cidr: “10.0.0.300/24” is not a network in CIDR")
    assert reasons(plan, 7) == "price: Ensure this value is greater than or equal to 0."
    assert reasons(plan, 8).startswith("kind: “toaster” is not one of: switch, router")
    assert reasons(plan, 9) == "organisation: No organisation has the slug “nowhere”."
    assert reasons(plan, 10).startswith("assigned_on: “01/02/2025” value has an invalid date")
    assert reasons(plan, 12) == "198.51.100.128/25 overlaps 198.51.100.0/24 on line 11 of the file."
    assert (plan.count("create"), plan.count("change"), plan.count("reject")) == (2, 1, 7)


def test_import_saves_the_good_rows_only_and_a_reimport_changes_nothing(existing, world):
    before_resources, before_changes = counts()
    summary = csvio.apply(csvio.plan(FILE), by=world.agent)
    assert vars(summary) == {"created": 2, "changed": 1, "unchanged": 1, "rejected": 7}
    assert counts() == (before_resources + 2, before_changes + 3)
    assert set(Resource.objects.filter(organisation=world.org).values_list("name", flat=True)) == {
        "core-sw1",
        "LAN",
        "www",
        "vm-1",
        "Net A",
    }
    existing["switch"].refresh_from_db()
    assert existing["switch"].site == "Valparaíso"
    history = ResourceChange.objects.filter(source="import")
    assert history.count() == 3 and {change.by for change in history} == {world.agent}

    again = csvio.plan(FILE)
    assert {row.line for row in again.rows if row.outcome == "unchanged"} == {2, 3, 4, 11}
    assert vars(csvio.apply(again, by=world.agent))["created"] == 0
    assert counts() == (before_resources + 2, before_changes + 3)


def test_a_row_the_save_refuses_rolls_the_whole_import_back(existing, world):
    plan = csvio.plan(FILE)
    # Someone takes the address space between the dry run and the import.
    make(world.org, Kind.IP_BLOCK, "Taken", details={"cidr": "198.51.100.0/26"})
    before = counts()
    with pytest.raises(csvio.RowFailed) as failure:
        csvio.apply(plan, by=world.agent)
    assert failure.value.line == 11 and "overlaps 198.51.100.0/26" in failure.value.messages[0]
    assert counts() == before
    existing["switch"].refresh_from_db()
    assert existing["switch"].site == "Santiago"


def test_export_read_back_is_all_unchanged(existing, world):
    service = Service.objects.create(organisation=world.org, name="Fibra 1G", identifier="CIR-9")
    make(
        world.org,
        Kind.VIRTUAL_MACHINE,
        '=HYPERLINK("http://evil.test")',
        service=service,
        price=Decimal("12.50"),
        currency="EUR",
        price_period="monthly",
        notes="-5 spare ports\nsecond line",
        internal_notes="@staff only",
        assigned_on="2025-03-01",
        details={"vcpu": 4, "ram_gb": 2, "addresses": ["10.0.0.5", "2001:db8::5"]},
    )
    make(
        world.org,
        Kind.SSL_CERTIFICATE,
        "multi",
        status=Status.FAULTY,
        details={
            "common_name": "a.andes.test",
            "sans": ["b.andes.test", "*.c.andes.test"],
            "expires_on": "2026-06-30",
        },
    )
    make(world.other_org, Kind.DOMAIN, "theirs", details={"domain": "other.test"})
    exported = csvio.export(Resource.objects.all())
    assert exported.startswith("\ufeff".encode())
    plan = csvio.plan(exported)
    assert plan.error == ""
    assert [row.outcome for row in plan.rows] == ["unchanged"] * Resource.objects.count()


def test_export_escapes_formulas_and_the_import_reads_them_back(world):
    make(world.org, Kind.OTHER, "=1+1", serial="+56 9", notes="'quoted", site="@home")
    rows = list(
        csv.DictReader(io.StringIO(csvio.export(Resource.objects.all()).decode("utf-8-sig")))
    )
    assert (rows[0]["name"], rows[0]["serial"], rows[0]["site"]) == ("'=1+1", "'+56 9", "'@home")
    # An apostrophe before anything else is the text itself.
    assert rows[0]["notes"] == "'quoted"
    plan = csvio.plan(csvio.export(Resource.objects.all()))
    assert plan.rows[0].outcome == "unchanged"
    assert plan.rows[0].resource.name == "=1+1" and plan.rows[0].resource.notes == "'quoted"


def test_the_file_itself_refused_with_a_reason(world, monkeypatch):
    assert csvio.plan(b"").error == "The file is empty."
    assert csvio.plan("\ufeff\n \n").error == "The file is empty."
    assert csvio.plan(b"organisation,kind\nandes,\xff\n").error.startswith("The file is not UTF-8")
    unknown = csvio.plan("organisation,kind,colour\nandes,switch,red\n").error
    assert unknown.startswith("Unknown columns: colour. The columns are: number, organisation")
    assert csvio.plan("organisation,name\nandes,x\n").error == "Missing columns: kind."
    assert csvio.plan("kind,Kind,organisation\n").error == "A column appears twice in the header."
    monkeypatch.setattr(csvio, "MAX_ROWS", 2)
    too_many = csv_text("organisation,kind,name", *[f"andes,other,o{i}" for i in range(3)])
    assert csvio.plan(too_many).error == "The file has more than 2 rows: split it."
    monkeypatch.setattr(csvio, "MAX_BYTES", 10)
    assert csvio.plan(too_many.encode()).error == "The file is larger than 0 MB: split it."


def test_semicolons_a_bom_and_headers_in_any_case_and_order(world):
    text = "\ufeffName;KIND;Organisation;Sans;common_name;expires_on\n"
    text += "web;ssl_certificate;andes;b.andes.test, c.andes.test;a.andes.test;2026-01-01\n"
    plan = csvio.plan(text.encode())
    assert [row.outcome for row in plan.rows] == ["create"]
    assert plan.rows[0].resource.details["sans"] == ["b.andes.test", "c.andes.test"]
    wrong = csvio.plan("Organisation;Kind;Name;Vcpu\nandes;switch;s;4\n")
    assert reasons(wrong, 2) == "Vcpu: Not an attribute of the kind “switch”."


def test_rows_are_matched_by_number_then_tag_then_kind_and_name(existing, world):
    theirs = make(world.other_org, Kind.SWITCH, "core-sw1")
    make(world.org, Kind.OTHER, "twin")
    make(world.org, Kind.OTHER, "twin")
    plan = csvio.plan(
        csv_text(
            "number,organisation,kind,name,asset_tag,site",
            f"{existing['switch'].number},andes,switch,renamed,T-1,Santiago",  # 2
            f"{theirs.number},andes,switch,core-sw1,,",  # 3: not andes's
            ",andes,switch,by tag,T-1,Santiago",  # 4: the same as line 2
            ",andes,other,twin,,",  # 5: which twin?
            ",andes,other,new,,",  # 6
            ",andes,other,new,,",  # 7: the same new resource again
        )
    )
    assert outcomes(plan) == {
        2: "change",
        3: "reject",
        4: "reject",
        5: "reject",
        6: "create",
        7: "reject",
    }
    assert plan.rows[0].changes == ["name"]
    assert reasons(plan, 3) == f"number: This organisation has no resource {theirs.number}."
    assert reasons(plan, 4) == "Line 2 of the file names the same resource."
    assert reasons(plan, 5).startswith("name: Several resources have this kind and name")
    assert reasons(plan, 7) == "Line 6 of the file names the same resource."


def test_services_by_identifier_or_name_within_the_organisation(world):
    Service.objects.create(organisation=world.org, name="Fibra", identifier="CIR-1")
    Service.objects.create(organisation=world.org, name="Twin")
    Service.objects.create(organisation=world.org, name="Twin")
    Service.objects.create(organisation=world.other_org, name="Theirs")
    plan = csvio.plan(
        csv_text(
            "organisation,kind,name,service",
            "andes,other,a,CIR-1",
            "andes,other,b,Fibra",
            "andes,other,c,Twin",
            "andes,other,d,Theirs",
        )
    )
    assert [row.outcome for row in plan.rows] == ["create", "create", "reject", "reject"]
    assert plan.rows[0].resource.service.name == plan.rows[1].resource.service.name == "Fibra"
    assert reasons(plan, 4) == "service: Several services of this organisation are called “Twin”."
    assert reasons(plan, 5).startswith("service: This organisation has no service “Theirs”")


def test_messages_are_in_the_readers_language(world):
    text = csv_text(
        "organisation,kind,name,assigned_on", "andes,switch,s,01/02/2025", "x,switch,s,"
    )
    with translation.override("es"):
        spanish = csvio.plan(text)
    # Django's own message is translated already; ours reach Spanish with the catalogs.
    assert "formato de fecha" in reasons(spanish, 2)
    assert reasons(spanish, 3).startswith("organisation: ")
    with translation.override("en"):
        assert "invalid date format" in reasons(csvio.plan(text), 2)


# The admin -----------------------------------------------------------------------------


def upload(client, text: str, name="resources.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_upload_dry_run_then_import(existing, world, client_for):
    client = client_for(world.agent)
    page = client.get(IMPORT)
    assert page.status_code == 200 and b'type="file"' in page.content
    before = counts()
    dry = upload(client, FILE)
    assert dry.status_code == 200 and counts() == before
    assert dry.context["plan"].count("reject") == 7
    assert "Import 3 rows" in dry.content.decode()
    assert "cidr: 203.0.113.128/25 overlaps" in dry.content.decode()
    done = client.post(IMPORT, {"token": dry.context["token"]})
    assert done.status_code == 302 and done["Location"] == LIST
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "Import done: 2 created, 1 changed, 1 unchanged, 7 rejected."
    ]
    assert counts() == (before[0] + 2, before[1] + 3)


def test_a_changed_token_or_data_imports_nothing(existing, world, client_for):
    client = client_for(world.agent)
    token = upload(client, FILE).context["token"]
    payload = signing.loads(token, salt="inventory.csv-import")
    forged = signing.dumps({**payload, "text": FILE + "andes,other,extra,,,,,,,,,\n"}, salt="x")
    before = counts()
    refused = client.post(IMPORT, {"token": forged})
    assert refused.status_code == 200 and "expired" in refused.content.decode()
    assert counts() == before
    someone_else = client_for(world.supervisor).post(IMPORT, {"token": token})
    assert "expired" in someone_else.content.decode() and counts() == before
    client = client_for(world.agent)
    # Someone changed the switch in the meantime: the new dry run is shown, not applied.
    existing["switch"].site = "Valparaíso"
    services.resource_save(resource=existing["switch"])
    before = counts()
    shown = client.post(IMPORT, {"token": token})
    assert shown.status_code == 200 and "changed since the dry run" in shown.content.decode()
    assert counts() == before


def test_a_bad_file_is_an_error_on_the_upload_form(world, client_for):
    page = upload(client_for(world.agent), "organisation,kind,colour\n")
    assert page.status_code == 200 and "Unknown columns: colour." in page.content.decode()


def test_only_staff_who_add_and_change_resources_import(world, client_for):
    viewer = UserFactory(is_staff=True)
    group = Group.objects.create(name="inventory viewers")
    group.permissions.set(Permission.objects.filter(codename__in=["view_resource", "add_resource"]))
    viewer.groups.add(group)
    client = client_for(viewer)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, FILE).status_code == 403
    assert client.get(EXPORT).status_code == 200
    assert client_for(world.member).get(IMPORT).status_code == 302  # to the admin's login
    assert client_for(world.agent).put(IMPORT).status_code == 405


def test_the_changelist_links_and_exports_what_it_shows(existing, world, client_for):
    client = client_for(world.agent)
    page = client.get(LIST, {"kind__exact": "switch"}).content.decode()
    assert f'href="{IMPORT}"' in page and f'href="{EXPORT}?kind__exact=switch"' in page
    exported = client.get(EXPORT, {"kind__exact": "switch"})
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == ["core-sw1"]
    chosen = client.post(
        LIST,
        {
            "action": "export_selected",
            "_selected_action": [existing["cert"].pk, existing["block"].pk],
        },
    )
    rows = list(csv.DictReader(io.StringIO(chosen.content.decode("utf-8-sig"))))
    assert sorted(row["name"] for row in rows) == ["LAN", "www"]
