"""The bench's managed resources: BENCH_RESOURCES (default 50,000) over the bench organisations.

Every kind, with the attributes inventory.attributes defines for it: equipment
with its vendor, model, firmware and management address, virtual machines, licences,
certificates and domains expiring from two months ago to two years ahead (so that
some expire within 30 days and some have expired), address blocks (IPv4 /26 and IPv6
/64, none overlapping another of its organisation's), and a few others. About three
in five have a price, in two or three currencies per organisation, monthly, yearly or
one-off; about one in seven is retired. Each organisation gets SERVICES_PER_ORG
contract services (contracts.Service) and resources at SITES.

`expires_on` and `network` are what Resource.refresh_derived() reads from the
attributes (the same functions compute them here). Each resource has the history
rows resource_save leaves: its creation and, when its status moved since, that
change. Some resources are named by tickets of their organisation; bench-0's first
resource, the detail page's, by DETAIL_TICKETS tickets of bench-0's member persona,
with DETAIL_CHANGES status changes. No activity events are written.

Numbers are RES-2026-NNNNN and ResourceNumber moves past them, as
inventory.services._next_number counts, so resources saved later on the bench
database do not collide. Written with COPY in one transaction under an advisory
lock, like the tickets and documents (bench/seed.py, bench/seed_signing.py); a later
run tops the resources up to BENCH_RESOURCES, or skips when they are there.
"""

import ipaddress
import json
import os
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from bench.copyload import CopyLoader
from inventory import attributes

RESOURCES = int(os.environ.get("BENCH_RESOURCES", "50000"))
YEAR = 2026  # numbers RES-2026-NNNNN, formatted as inventory.services._next_number does
CHUNK = 10_000  # resources generated and copied at a time
SERVICES_PER_ORG = 6
DETAIL_TICKETS = 10  # tickets naming the detail page's resource
DETAIL_CHANGES = 3  # its status changes after its creation
SEARCH_WORD = "huawei"  # a vendor: in the names of about one in six pieces of equipment
LINKED_SHARE = 0.1  # resources some tickets name

KIND_WEIGHTS = {
    "switch": 12,
    "router": 10,
    "firewall": 5,
    "access_point": 12,
    "server": 6,
    "virtual_machine": 20,
    "licence": 10,
    "ssl_certificate": 8,
    "ip_block": 5,
    "domain": 7,
    "other": 5,
}
STATUS_WEIGHTS = {"active": 78, "ordered": 3, "maintenance": 3, "faulty": 2, "retired": 14}
HARDWARE = ("switch", "router", "firewall", "access_point", "server")
MODELS = {
    "switch": ["S5735-L24T4X", "C9200L-24T", "CRS326-24G", "EX2300-24T", "USW-Pro-24"],
    "router": ["AR6140", "ISR 1111", "CCR2004", "MX204", "ER-4"],
    "firewall": ["USG6510E", "FortiGate 60F", "FortiGate 100F", "PA-440", "SRX300"],
    "access_point": ["AirEngine 5761", "C9115AXI", "cAP ax", "AP 305", "U6-Pro"],
    "server": ["FusionServer 2288H", "PowerEdge R650", "ProLiant DL380", "ThinkSystem SR630"],
}
VENDORS = ["Huawei", "Cisco", "MikroTik", "Juniper", "Ubiquiti", "Fortinet", "Dell", "HPE"]
SITES = [
    "Casa matriz",
    "Sucursal Norte",
    "Bodega central",
    "Valparaíso",
    "Concepción",
    "Tienda 12",
    "Datacenter Quilicura",
]
SERVICES = [
    ("Internet dedicado", "internet"),
    ("Enlace MPLS", "mpls"),
    ("Firewall administrado", "security"),
    ("WiFi administrado", "wifi"),
    ("Hosting de servidores", "hosting"),
    ("Telefonía IP", "voice"),
    ("Respaldo en la nube", "backup"),
]
PRODUCTS = [
    "Microsoft 365 E3",
    "Windows Server 2022 Standard",
    "FortiGuard UTP",
    "Veeam Backup & Replication",
    "VMware vSphere Standard",
    "Huawei eSight",
]
ISSUERS = ["Let's Encrypt R11", "Sectigo RSA Domain Validation", "DigiCert Global G2 TLS RSA"]
REGISTRARS = ["NIC Chile", "GoDaddy", "Gandi", "Cloudflare Registrar"]
SYSTEMS = ["Ubuntu 24.04", "Debian 12", "Windows Server 2022", "Rocky Linux 9"]
OTHERS = ["UPS {site}", "Rack {site}", "Central telefónica {site}", "Cámara {site}"]
# Per organisation: its currencies (two or three) and a price range for each.
CURRENCIES = [("USD", "CLP"), ("USD", "CLP", "EUR"), ("CLP", "EUR")]
PRICE_RANGE = {"USD": (5, 900), "EUR": (5, 800), "CLP": (5_000, 800_000)}
PERIODS = {  # the periods a kind is charged by, with their weights
    "licence": {"yearly": 8, "monthly": 2},
    "ssl_certificate": {"yearly": 9, "one_off": 1},
    "domain": {"yearly": 1},
    "server": {"monthly": 6, "one_off": 4},
}
DEFAULT_PERIODS = {"monthly": 7, "yearly": 1, "one_off": 2}

RESOURCE_COLUMNS = [
    "id",
    "number",
    "organisation_id",
    "kind",
    "name",
    "status",
    "assigned_on",
    "retired_on",
    "site",
    "service_id",
    "price",
    "currency",
    "price_period",
    "serial",
    "asset_tag",
    "notes",
    "internal_notes",
    "details",
    "expires_on",
    "network",
    "created_at",
    "updated_at",
]
CHANGE_COLUMNS = [
    "id",
    "resource_id",
    "at",
    "by_id",
    "source",
    "fields",
    "status_before",
    "status_after",
]
LINK_COLUMNS = ["id", "ticket_id", "resource_id", "added_by_id", "added_at"]
LOADED_TABLES = ["inventory_resource", "inventory_resourcechange", "inventory_ticketresource"]


def bench_resources():
    from inventory.models import Resource

    return Resource.objects.filter(organisation__slug__startswith="bench-")


def detail_resource():
    """bench-0's first resource: the bench's resource page, named by DETAIL_TICKETS tickets."""
    return bench_resources().filter(organisation__slug="bench-0").order_by("pk").first()


def seed(target: int | None = None) -> bool:
    """Top the bench's resources up to `target` (BENCH_RESOURCES); False when they are there."""
    target = RESOURCES if target is None else target
    if bench_resources().count() >= target:
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two `make bench` at once must not both load.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.inventory'))")
        missing = target - bench_resources().count()
        if missing <= 0:
            return False
        _seed_services()
        _ResourceLoader().load(missing)
    return True


def _seed_services():
    """SERVICES_PER_ORG services for each bench organisation that has none yet."""
    from contracts.models import Service

    orgs = _organisations()
    served = set(
        Service.objects.filter(organisation__in=[pk for pk, _ in orgs]).values_list(
            "organisation_id", flat=True
        )
    )
    Service.objects.bulk_create(
        Service(
            organisation_id=pk,
            name=f"{name} {SITES[k % len(SITES)]}",
            name_es=f"{name} {SITES[k % len(SITES)]}",
            kind=kind,
            identifier=f"CIR-{index:03d}-{k + 1:02d}",
        )
        for index, (pk, _) in enumerate(orgs)
        if pk not in served
        for k, (name, kind) in enumerate(SERVICES[:SERVICES_PER_ORG])
    )


def _organisations() -> list[tuple[int, str]]:
    from accounts.models import Organisation

    return list(
        Organisation.objects.filter(slug__startswith="bench-")
        .order_by("pk")
        .values_list("pk", "slug")
    )


# The rows -------------------------------------------------------------------------------


class _ResourceLoader(CopyLoader):
    """Generates resources with their history and ticket links, and COPYs them in."""

    tables = LOADED_TABLES

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.db.models import Count

        from accounts.models import Membership
        from contracts.models import Service
        from inventory.models import ResourceNumber
        from tickets.models import Ticket

        self.rng = random.Random(20260505)
        self.now = timezone.now()
        self.today = timezone.localdate()
        orgs = _organisations()
        self.orgs = [pk for pk, _ in orgs]
        self.services: dict[int, list[int]] = {org: [] for org in self.orgs}
        for org, service in (
            Service.objects.filter(organisation__in=self.orgs)
            .order_by("pk")
            .values_list("organisation_id", "pk")
        ):
            self.services[org].append(service)
        self.tickets: dict[int, list[int]] = {org: [] for org in self.orgs}
        for org, ticket in (
            Ticket.objects.filter(organisation__in=self.orgs)
            .order_by("pk")
            .values_list("organisation_id", "pk")
        ):
            self.tickets[org].append(ticket)
        self.agents = list(
            get_user_model()
            .objects.filter(is_staff=True, email__endswith="@bench.test")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Where each organisation's next address block goes: after those it has.
        self.blocks = dict.fromkeys(self.orgs, 0)
        self.blocks.update(
            bench_resources()
            .filter(kind="ip_block")
            .order_by()
            .values_list("organisation_id")
            .annotate(n=Count("pk"))
            .values_list("organisation_id", "n")
        )
        existing = dict(
            bench_resources()
            .order_by()
            .values_list("organisation_id")
            .annotate(n=Count("pk"))
            .values_list("organisation_id", "n")
        )
        self.generated = sum(existing.values())
        self.detail_org = next((pk for pk, slug in orgs if slug == "bench-0"), None)
        self.detail_due = self.detail_org is not None and not existing.get(self.detail_org)
        persona = (
            Membership.objects.filter(organisation__slug="bench-0", role="member")
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        self.persona_tickets = list(
            Ticket.objects.filter(organisation__slug="bench-0", requester=persona)
            .order_by("-created_at")
            .values_list("pk", flat=True)[:DETAIL_TICKETS]
        )
        last = ResourceNumber.objects.filter(year=YEAR).values_list("last", flat=True).first()
        self.number = last or 0
        self.kinds, self.kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        self.statuses, self.status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())

    def load(self, count: int):
        from bench.seed import _other_columns
        from inventory.models import Resource, ResourceChange, ResourceNumber, TicketResource

        self.columns = {
            model._meta.db_table: (names, _other_columns(model, names))
            for model, names in (
                (Resource, RESOURCE_COLUMNS),
                (ResourceChange, CHANGE_COLUMNS),
                (TicketResource, LINK_COLUMNS),
            )
        }
        self._load_chunks(count, self._resource, CHUNK)
        # Resources saved later on the bench database continue the numbering.
        ResourceNumber.objects.update_or_create(year=YEAR, defaults={"last": self.number})

    def _resource(self, rows):
        rng = self.rng
        self.number += 1
        self.generated += 1
        resource_id = self._id("inventory_resource")
        position = (self.generated - 1) % len(self.orgs)
        org = self.orgs[position]
        detail = self.detail_due and org == self.detail_org
        if detail:
            # The detail page's: equipment in use, with a service, a price and a history.
            self.detail_due = False
            kind, status = "router", "active"
        else:
            kind = rng.choices(self.kinds, self.kind_weights)[0]
            status = rng.choices(self.statuses, self.status_weights)[0]
        site = rng.choice(SITES)
        details, name = self._details(kind, org, position, site)
        services = self.services[org]
        service = rng.choice(services) if services and (detail or rng.random() < 0.7) else None
        price, currency, period = None, "", ""
        if detail or rng.random() < 0.6:
            currency = rng.choice(CURRENCIES[position % len(CURRENCIES)])
            low, high = PRICE_RANGE[currency]
            if currency == "CLP":  # no cents: whole thousands
                price = Decimal(rng.randint(low // 1000, high // 1000) * 1000)
            else:
                price = Decimal(rng.randint(low * 100, high * 100)) / 100
            weights = PERIODS.get(kind, DEFAULT_PERIODS)
            period = rng.choices(list(weights), list(weights.values()))[0]
        assigned = self.today - timedelta(days=rng.randint(1, 1500))
        created = timezone.make_aware(datetime.combine(assigned, time(rng.randint(9, 18))))
        retired = None
        if status == "retired":
            retired = assigned + timedelta(days=rng.randint(0, (self.today - assigned).days))
        agent = rng.choice(self.agents) if self.agents else None

        # History as resource_save leaves it: the creation, then each status change.
        first = "ordered" if status == "ordered" or rng.random() < 0.3 else "active"
        moves = [first, status] if status != first else [first]
        if detail:
            moves = ["ordered", "active", "maintenance", "active"][: DETAIL_CHANGES + 1]
        span = self.now - created
        times = sorted(created + span * rng.random() for _ in moves[1:])
        when = created
        for k, state in enumerate(moves):
            changed = (
                {"kind": [None, kind], "name": [None, name], "status": [None, state]}
                if k == 0
                else {"status": [moves[k - 1], state]}
            )
            if k:
                when = times[k - 1]
            rows["inventory_resourcechange"].append(
                (
                    self._id("inventory_resourcechange"),
                    resource_id,
                    when,
                    agent,
                    "admin",
                    json.dumps(changed),
                    moves[k - 1] if k else "",
                    state,
                )
            )
        rows["inventory_resource"].append(
            (
                resource_id,
                f"RES-{YEAR}-{self.number:05d}",
                org,
                kind,
                name,
                status,
                assigned,
                retired,
                site,
                service,
                price,
                currency,
                period,
                f"{rng.getrandbits(40):010X}" if kind in HARDWARE else "",
                f"AT-{self.number:06d}" if kind in HARDWARE or kind == "other" else "",
                "Revisado en la última visita." if rng.random() < 0.1 else "",
                "",
                json.dumps(details),
                attributes.expires_on(kind, details),
                details.get("cidr", "") if kind == "ip_block" else "",
                created,
                when,
            )
        )

        # Tickets of its organisation that name it.
        tickets = self.persona_tickets if detail else self.tickets[org]
        count = len(tickets) if detail else 0
        if not detail and tickets and rng.random() < LINKED_SHARE:
            count = rng.randint(1, min(3, len(tickets)))
        for ticket in tickets[:count] if detail else rng.sample(tickets, count):
            rows["inventory_ticketresource"].append(
                (self._id("inventory_ticketresource"), ticket, resource_id, agent, created)
            )

    def _details(self, kind, org, position, site) -> tuple[dict, str]:
        """The resource's attributes, as attributes.clean stores them, and its name."""
        rng = self.rng
        n = self.number
        if kind in HARDWARE:
            vendor = rng.choice(VENDORS)
            model = rng.choice(MODELS[kind])
            management = (
                f"10.{position % 256}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                if rng.random() < 0.8
                else f"{kind.replace('_', '-')}-{n}.bench{position}.example"
            )
            details = {
                "vendor": vendor,
                "model": model,
                "firmware": f"V{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}",
                "management_address": management,
            }
            return details, f"{vendor} {model} {site}"
        if kind == "virtual_machine":
            name = f"vm-{n}"
            return {
                "vcpu": rng.choice([1, 2, 4, 8, 16]),
                "ram_gb": float(rng.choice([0.5, 1, 2, 4, 8, 16, 32])),
                "disk_gb": rng.choice([20, 40, 80, 160, 500]),
                "os": rng.choice(SYSTEMS),
                "addresses": [f"172.{16 + position % 16}.{n % 256}.{rng.randint(1, 254)}"],
            }, name
        expires = (self.today + timedelta(days=rng.randint(-60, 730))).isoformat()
        if kind == "licence":
            product = rng.choice(PRODUCTS)
            return {
                "product": product,
                "seats": rng.choice([5, 10, 25, 50, 100]),
                "expires_on": expires,
            }, f"{product} ({site})"
        if kind == "ssl_certificate":
            host = f"www{n}.bench{position}.example"
            return {
                "common_name": host,
                "sans": [f"bench{position}.example", f"mail{n}.bench{position}.example"],
                "issuer": rng.choice(ISSUERS),
                "expires_on": expires,
                "fingerprint": ":".join(f"{rng.getrandbits(8):02X}" for _ in range(32)),
            }, host
        if kind == "domain":
            domain = f"bench{position}-{n}.example"
            return {
                "domain": domain,
                "registrar": rng.choice(REGISTRARS),
                "expires_on": expires,
            }, domain
        if kind == "ip_block":
            network = self._block(org, position)
            return {"cidr": str(network), "gateway": str(next(network.hosts()))}, (
                f"{'IPv6' if network.version == 6 else 'IPv4'} {site}"
            )
        return {}, rng.choice(OTHERS).format(site=site)

    def _block(self, org, position):
        """The organisation's next address block: after its others, never overlapping them."""
        k = self.blocks[org]
        self.blocks[org] = k + 1
        if k % 3 == 2:
            return ipaddress.ip_network(f"2001:db8:{position:x}:{k:x}::/64")
        # A /26 each in the organisation's 10.x/16 (1,024 of them), then in the next /8s.
        base = int(ipaddress.ip_address(f"10.{position % 256}.0.0")) + (k // 1024) * 2**24
        return ipaddress.ip_network((base + (k % 1024) * 64, 26))
