"""The managed resources of `manage.py demo`: 20 to 40 per organisation, of every kind,
named in the organisation's language.

Andes Fibra's address block 200.54.120.0/24 is the one its diagnostics rules let
it measure; its web certificate expires within the month, so the dashboard, the
list's "expiring soon" and the feed's warning show; its core switch is faulty
and is named by the "slow every evening" ticket. Every save goes
through services.resource_save, so the history and the events are real. Runs
once per organisation (skipped when it already has resources).
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tickets.demo import SLOW_EVENINGS
from tickets.models import Ticket

from . import services
from .models import Kind, Period, Resource, Status

# Per organisation: language, currency, sites, domain, address blocks (v4, v6), and its
# words for the things named below.
PLACES = {
    "andes-fibra": {
        "currency": "CLP",
        "sites": ["Santiago, Providencia", "Santiago, Las Condes", "Valparaíso"],
        "domain": "andesfibra.cl",
        "v4": ["200.54.120.0/24", "200.54.121.0/26"],
        "v6": "2800:150:120::/48",
        "words": {
            "core": "Switch de núcleo",
            "access": "Switch de acceso piso",
            "router": "Router de borde",
            "firewall": "Firewall perimetral",
            "ap": "Punto de acceso sala",
            "server": "Servidor de archivos",
            "vm": "Máquina virtual",
            "licence": "Licencias",
            "web": "Certificado del sitio web",
            "mail": "Certificado del correo",
            "block": "Bloque público",
            "domain": "Dominio principal",
            "ups": "UPS del rack",
            "notes": "Reemplazado en garantía en 2025. Llame antes de visitar la sala.",
        },
        "prices": Decimal("45000"),
    },
    "vale-telecom": {
        "currency": "BRL",
        "sites": ["São Paulo, Pinheiros", "Campinas"],
        "domain": "valetelecom.com.br",
        "v4": ["177.10.64.0/24"],
        "v6": "2804:1b0:40::/48",
        "words": {
            "core": "Switch de núcleo",
            "access": "Switch de acesso andar",
            "router": "Roteador de borda",
            "firewall": "Firewall de perímetro",
            "ap": "Ponto de acesso sala",
            "server": "Servidor de arquivos",
            "vm": "Máquina virtual",
            "licence": "Licenças",
            "web": "Certificado do site",
            "mail": "Certificado do e-mail",
            "block": "Bloco público",
            "domain": "Domínio principal",
            "ups": "Nobreak do rack",
            "notes": "Trocado na garantia em 2025. Avise antes de visitar a sala.",
        },
        "prices": Decimal("250"),
    },
    "atelier-reseaux": {
        "currency": "EUR",
        "sites": ["Lyon, Part-Dieu", "Villeurbanne"],
        "domain": "atelier-reseaux.fr",
        "v4": ["185.42.8.0/25"],
        "v6": "2a01:4f8:200::/48",
        "words": {
            "core": "Commutateur de cœur",
            "access": "Commutateur d\u2019accès étage",
            "router": "Routeur de bordure",
            "firewall": "Pare-feu périmétrique",
            "ap": "Borne Wi-Fi salle",
            "server": "Serveur de fichiers",
            "vm": "Machine virtuelle",
            "licence": "Licences",
            "web": "Certificat du site web",
            "mail": "Certificat de la messagerie",
            "block": "Bloc public",
            "domain": "Domaine principal",
            "ups": "Onduleur de la baie",
            "notes": "Remplacé sous garantie en 2025. Prévenez avant de passer en salle.",
        },
        "prices": Decimal("60"),
    },
    "northwind-it": {
        "currency": "GBP",
        "sites": ["London, Shoreditch", "Manchester"],
        "domain": "northwind-it.co.uk",
        "v4": ["81.2.69.0/26"],
        "v6": "2a02:390:9::/48",
        "words": {
            "core": "Core switch",
            "access": "Access switch floor",
            "router": "Edge router",
            "firewall": "Perimeter firewall",
            "ap": "Access point room",
            "server": "File server",
            "vm": "Virtual machine",
            "licence": "Licences",
            "web": "Website certificate",
            "mail": "Mail certificate",
            "block": "Public block",
            "domain": "Main domain",
            "ups": "Rack UPS",
            "notes": "Replaced under warranty in 2025. Call before visiting the room.",
        },
        "prices": Decimal("50"),
    },
}

VM_NAMES = ["erp", "intranet", "backup", "monitoring", "vpn", "dns"]
LICENCES = [("Microsoft 365 Business Standard", 25), ("FortiGuard UTP", 1), ("Veeam Backup", 10)]


# fmt: off
def _resources(place, today):
    """(kind, name, site, status, price factor, period, details, other fields) of one client."""
    w, sites, domain = place["words"], place["sites"], place["domain"]
    first = sites[0]
    rows = [
        (Kind.SWITCH, f"{w['core']} SW-CORE-01", first, Status.ACTIVE, 2, Period.MONTHLY,
         {"vendor": "Cisco", "model": "C9300-48P", "firmware": "17.9.4",
          "management_address": "10.0.0.2"}, {"serial": "FOC2418X0AB", "notes": w["notes"]}),
        (Kind.ROUTER, f"{w['router']} RT-01", first, Status.ACTIVE, 3, Period.MONTHLY,
         {"vendor": "Juniper", "model": "MX204", "firmware": "22.4R1",
          "management_address": "10.0.0.1"}, {"serial": "JN11FA2C3AFC"}),
        (Kind.FIREWALL, f"{w['firewall']} FW-01", first, Status.ACTIVE, 4, Period.MONTHLY,
         {"vendor": "Fortinet", "model": "FortiGate 100F", "firmware": "7.2.8",
          "management_address": "10.0.0.3"}, {"serial": "FG100FTK21000123"}),
        (Kind.SERVER, f"{w['server']} SRV-01", first, Status.ACTIVE, 3, Period.MONTHLY,
         {"vendor": "Dell", "model": "PowerEdge R650", "firmware": "iDRAC 7.00",
          "management_address": "10.0.0.10"}, {"serial": "7XK2QF3"}),
        (Kind.OTHER, f"{w['ups']} UPS-01", first, Status.MAINTENANCE, 1, Period.MONTHLY, {},
         {"serial": "AS2138123456"}),
    ]
    for floor in range(1, 5):
        rows.append((Kind.SWITCH, f"{w['access']} {floor} SW-ACC-0{floor}",
                     sites[floor % len(sites)], Status.ACTIVE, 1, Period.MONTHLY,
                     {"vendor": "Aruba", "model": "CX 6100", "firmware": "10.12",
                      "management_address": f"10.0.1.{floor}"},
                     {"serial": f"CN1{floor}KD0{floor}7"}))
        rows.append((Kind.ACCESS_POINT, f"{w['ap']} {floor}0{floor} AP-0{floor}",
                     sites[floor % len(sites)], Status.ACTIVE, Decimal("0.3"), Period.MONTHLY,
                     {"vendor": "Ubiquiti", "model": "U6 Pro", "firmware": "6.6.55"}, {}))
    for index, name in enumerate(VM_NAMES):
        rows.append((Kind.VIRTUAL_MACHINE, f"{w['vm']} {name}", first, Status.ACTIVE, 1,
                     Period.MONTHLY, {"vcpu": 2 + index % 3 * 2, "ram_gb": 4 * (1 + index % 3),
                                      "disk_gb": 80 * (1 + index), "os": "Debian 12",
                                      "addresses": [f"10.0.2.{10 + index}"]}, {}))
    for index, (product, seats) in enumerate(LICENCES):
        expires = today + timedelta(days=90 + 120 * index)
        rows.append((Kind.LICENCE, f"{w['licence']} {product}", "", Status.ACTIVE, 2,
                     Period.YEARLY, {"product": product, "seats": seats,
                                     "expires_on": expires.isoformat()}, {}))
    rows += [
        (Kind.SSL_CERTIFICATE, f"{w['web']} www.{domain}", "", Status.ACTIVE, 1, Period.YEARLY,
         {"common_name": f"www.{domain}", "sans": [domain], "issuer": "Sectigo Limited",
          "expires_on": (today + timedelta(days=21)).isoformat()}, {}),
        (Kind.SSL_CERTIFICATE, f"{w['mail']} mail.{domain}", "", Status.ACTIVE, None, "",
         {"common_name": f"mail.{domain}", "issuer": "Let's Encrypt",
          "expires_on": (today + timedelta(days=75)).isoformat()}, {}),
        (Kind.DOMAIN, f"{w['domain']} {domain}", "", Status.ACTIVE, Decimal("0.5"), Period.YEARLY,
         {"domain": domain, "registrar": "Gandi SAS",
          "expires_on": (today + timedelta(days=200)).isoformat()}, {}),
    ]
    for block in place["v4"]:
        rows.append((Kind.IP_BLOCK, f"{w['block']} {block}", first, Status.ACTIVE, 1,
                     Period.MONTHLY, {"cidr": block}, {}))
    rows.append((Kind.IP_BLOCK, f"{w['block']} IPv6 {place['v6']}", first, Status.ACTIVE, None,
                 "", {"cidr": place["v6"]}, {}))
    rows.append((Kind.SWITCH, f"{w['access']} 0 SW-OLD-00", first, Status.RETIRED, None, "",
                 {"vendor": "HP", "model": "ProCurve 2530"}, {"serial": "CN0000OLD"}))
    return rows


# fmt: on


def run(demo):
    today = timezone.localdate()
    for slug, place in PLACES.items():
        organisation = demo.organisations.get(slug)
        if organisation is None or Resource.objects.filter(organisation=organisation).exists():
            continue
        service = organisation.services.order_by("pk").first()
        made = {}
        for kind, name, site, status, factor, period, details, extra in _resources(place, today):
            resource = Resource(
                organisation=organisation,
                kind=kind,
                name=name,
                status=status,
                site=site,
                service=service if kind in (Kind.SWITCH, Kind.ROUTER, Kind.IP_BLOCK) else None,
                assigned_on=today - timedelta(days=400),
                price=(place["prices"] * Decimal(factor)).quantize(Decimal("1.00"))
                if factor
                else None,
                currency=place["currency"] if factor else "",
                price_period=period,
                details=details,
                **extra,
            )
            services.resource_save(resource=resource, source="demo")
            made[name] = resource
        core = next(r for r in made.values() if "SW-CORE-01" in r.name)
        _story(organisation, core, demo)
    services.expiry_sweep(today)


def _story(organisation, core, demo):
    """The core switch went faulty, and the evening-slowness ticket names it (Andes Fibra)."""
    agent = demo.users.get("agent@support.example")
    core.status = Status.FAULTY
    services.resource_save(resource=core, by=agent, source="demo")
    ticket = Ticket.objects.filter(organisation=organisation, subject=SLOW_EVENINGS).first()
    if ticket is not None:
        services.ticket_resources_add(ticket=ticket, resources=[core], by=agent)
