"""The contracts part of `manage.py demo`: hours banks with time entries, objectives.

- Andes Fibra's "Fibra Empresas 2026" (made by sla/demo.py): 20 h a month, unused
  hours carried over up to 5 h, extra hours at 45 EUR; last month's work and this
  month's, about 85 % of the bank, so the 80 % event shows.
- Atelier Réseaux: a one-off bank of 10 h.
- Northwind IT: a Wi-Fi rollout followed through three objectives.

Time is logged through contracts.services.time_entry_add by the demo agent. The
work of past days is on tickets opened then: each step (opened, answered, time
logged, resolved, closed) goes through the services dated when it happened
(core.demo.dated), so SLA clocks and the feed agree with the story. Texts are in
each organisation's language. Runs once per organisation (skipped when it
already has time entries or objectives); the services catalogue is refreshed
every time.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.demo import dated
from tickets import services as ticket_services
from tickets.demo import CONFIGURATION_BACKUP, NO_INTERNET, SLOW_DNS, SLOW_EVENINGS, versions
from tickets.models import Ticket
from tickets.states import Priority, Status

from . import services
from .models import BankKind, Contract, Objective, Service, TimeEntry

# Each organisation's services: names in English, Spanish, Portuguese and French,
# then the kind the same way.
INTERNET = ("Internet", "Internet", "Internet", "Internet")
SERVICES = {
    "andes-fibra": [
        (
            (
                "Fibre 1 Gbps Santiago",
                "Fibra 1 Gbps Santiago",
                "Fibra 1 Gbps Santiago",
                "Fibre 1 Gbit/s Santiago",
            ),
            INTERNET,
            "CL-SCL-00123",
        ),
        (
            ("Managed firewall", "Firewall gestionado", "Firewall gerenciado", "Pare-feu géré"),
            ("Security", "Seguridad", "Segurança", "Sécurité"),
            "FW-5020-01",
        ),
        (
            (
                "MPLS link Valparaíso",
                "Enlace MPLS Valparaíso",
                "Enlace MPLS Valparaíso",
                "Liaison MPLS Valparaíso",
            ),
            ("MPLS", "MPLS", "MPLS", "MPLS"),
            "CL-VAP-00456",
        ),
    ],
    "vale-telecom": [
        (
            (
                "Dedicated 500 Mbps link",
                "Enlace dedicado 500 Mbps",
                "Link dedicado 500 Mbps",
                "Lien dédié 500 Mbit/s",
            ),
            INTERNET,
            "BR-SP-7788",
        )
    ],
    "atelier-reseaux": [
        (
            (
                "Fibre 500 Mb Paris",
                "Fibra 500 Mb París",
                "Fibra 500 Mb Paris",
                "Fibre 500 Mb Paris",
            ),
            INTERNET,
            "FR-PAR-3321",
        )
    ],
    "northwind-it": [
        (
            (
                "Managed Wi-Fi London",
                "Wi-Fi gestionado Londres",
                "Wi-Fi gerenciado Londres",
                "Wi-Fi géré Londres",
            ),
            ("Wi-Fi", "Wi-Fi", "Wi-Fi", "Wi-Fi"),
            "GB-LON-0042",
        )
    ],
}


def load_services(orgs):
    for slug, items in SERVICES.items():
        for names, kinds, identifier in items:
            Service.objects.update_or_create(
                organisation=orgs[slug],
                identifier=identifier,
                defaults={**versions("name", names), **versions("kind", kinds)},
            )


def link_services(orgs):
    """The Providencia outage is about Andes Fibra's fibre line."""
    outage = Ticket.objects.filter(organisation=orgs["andes-fibra"], subject=NO_INTERNET).first()
    if outage is not None:
        outage.services.add(orgs["andes-fibra"].services.get(identifier="CL-SCL-00123"))


# (subject, description, [(day offset, hour, minutes, what was done, billable)]), in
# Andes Fibra's language: the client reads them on its contract page and statements.
ANDES_LAST_MONTH = [
    (
        "VLAN para el nuevo tercer piso",
        "La próxima semana trasladamos al equipo de ventas al tercer piso y necesitamos "
        "sus VLAN allí.",
        [
            (0, 10, 90, "Revisión del plano del piso y de las VLAN actuales con Camila.", True),
            (
                1,
                9,
                180,
                "Configuración de las VLAN 30-34 en el core y los dos switches nuevos.",
                True,
            ),
            (
                1,
                15,
                120,
                "Conexión y prueba de los 24 puertos nuevos; todos los teléfonos registran.",
                True,
            ),
        ],
    ),
    (
        "Revisión de las reglas del firewall",
        "Por favor, revisen las reglas del firewall antes de la auditoría; hay reglas obsoletas.",
        [
            (0, 11, 150, "Exportación de las reglas; 41 sin coincidencias en 90 días.", True),
            (
                2,
                10,
                120,
                "Eliminación de las reglas obsoletas acordadas con el cliente; respaldo guardado.",
                True,
            ),
            (2, 16, 30, "Envío del informe de cambios para la auditoría.", False),
        ],
    ),
    (
        "Revisión trimestral de la red",
        "La revisión trimestral de siempre, por favor.",
        [
            (
                0,
                9,
                150,
                "Revisión de contadores de error, niveles ópticos y CPU de todos los equipos.",
                True,
            ),
            (
                1,
                11,
                120,
                "Actualización del firmware de los switches de acceso en la ventana acordada.",
                True,
            ),
            (1, 14, 60, "Redacción del informe de estado con las recomendaciones.", True),
        ],
    ),
]
ANDES_THIS_MONTH = [
    (
        "QoS para VoIP en la casa matriz",
        "Las llamadas se cortan cuando la oficina descarga archivos grandes. "
        "¿Pueden priorizar la voz?",
        [
            (
                0,
                10,
                120,
                "Medición de jitter y pérdida en el enlace durante el horario de oficina.",
                True,
            ),
            (1, 9, 180, "Diseño y aplicación de la política de QoS (voz EF, video AF41).", True),
            (2, 11, 90, "Pruebas de llamadas con carga junto al cliente; MOS sobre 4,2.", True),
        ],
    ),
    (
        "Visita técnica para la sucursal de Viña del Mar",
        "Abrimos una sucursal en Viña del Mar y necesitamos el diseño de la red.",
        [
            (
                0,
                9,
                240,
                "Visita en terreno: rack, energía, entrada de fibra y cobertura WiFi.",
                True,
            ),
            (1, 10, 150, "Redacción del diseño y de la lista de materiales.", True),
            (1, 16, 45, "Llamada para revisar el diseño con Camila.", False),
        ],
    ),
]
# On tickets the tickets demo opened in the last days: (subject, minutes, what was done),
# logged just now, the work ending a few minutes ago.
ANDES_TODAY = [
    (SLOW_EVENINGS, 180, "Rastreo de las caídas hasta un puerto saturado; enlace movido."),
    (NO_INTERNET, 15, "Diagnóstico remoto con el contacto en la oficina."),
    (SLOW_DNS, 90, "Cambio de los resolvers y revisión de la tasa de aciertos de la caché."),
]
# The agent's first answer on planned work, in the organisation's language.
ON_IT = {
    "es": "Gracias, ya estamos en ello y les mantendremos al tanto.",
    "pt": "Obrigado, já estamos cuidando disso e manteremos vocês informados.",
    "fr": "Merci, nous nous en occupons et vous tenons informés.",
    "en": "Thank you, we are on it and will keep you posted.",
}
# Share of this month's bank the demo uses: past 80 %, so the event shows.
ANDES_TARGET = Decimal("0.85")


def load_contracts(orgs, users):
    agent = users["agent@support.example"]
    _andes(orgs["andes-fibra"], users, agent)
    _atelier(orgs["atelier-reseaux"], users, agent)
    _northwind(orgs["northwind-it"], users, agent)


def _local(organisation, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(organisation.timezone))


def _month_start(day: date, months_back: int = 0) -> date:
    """The first day of the month `months_back` before `day`'s (negative: after)."""
    months = day.year * 12 + day.month - 1 - months_back
    return date(months // 12, months % 12 + 1, 1)


def _past_ticket(organisation, requester, agent, subject, description, opened_at, work, close):
    """A ticket worked on in the past: opened, answered, its time logged, resolved.

    Each step is dated when it happened (core.demo.dated), never after now.
    Planned work is low priority: its resolution target spans the days it takes.
    `work` is [(performed_at, minutes, what was done, billable)].
    """
    now = timezone.now()
    with dated(opened_at):
        ticket = ticket_services.ticket_open(
            organisation=organisation,
            requester=requester,
            subject=subject,
            description=description,
            priority=Priority.LOW,
        )
    steps = [
        (
            opened_at + timedelta(hours=1),
            lambda: ticket_services.comment_add(
                ticket=ticket, author=agent, body=ON_IT[organisation.default_language]
            ),
        )
    ]
    for when, minutes, what, billable in work:
        steps.append(
            (
                min(when + timedelta(minutes=minutes), now),
                partial(
                    services.time_entry_add,
                    ticket=ticket,
                    agent=agent,
                    minutes=minutes,
                    description=what,
                    billable=billable,
                    performed_at=when,
                ),
            )
        )
    done_at = min(max(when for when, _step in steps) + timedelta(hours=1), now)
    steps.append(
        (
            done_at,
            partial(ticket_services.ticket_transition, ticket=ticket, to=Status.RESOLVED, by=agent),
        )
    )
    if close:
        steps.append(
            (
                min(done_at + timedelta(days=1), now),
                partial(
                    ticket_services.ticket_transition, ticket=ticket, to=Status.CLOSED, by=requester
                ),
            )
        )
    for when, step in sorted(steps, key=lambda item: item[0]):
        with dated(when, ticket):
            step()
    return ticket


def _work(organisation, opened: date, items, latest: datetime, scale=Decimal(1)):
    """(performed_at, minutes, what, billable) rows, never later than `latest`."""
    rows = []
    for offset, hour, minutes, what, billable in items:
        when = min(_local(organisation, opened + timedelta(days=offset), hour), latest)
        rows.append((when, _scaled(minutes, scale), what, billable))
    return rows


def _scaled(minutes: int, scale: Decimal) -> int:
    return max(15, round(minutes * scale / 15) * 15)


def _andes(andes, users, agent):
    contract = Contract.objects.get(organisation=andes, name="Fibra Empresas 2026")
    contract.bank_kind = BankKind.MONTHLY
    contract.bank_hours = Decimal("20")
    contract.carry_over = True
    contract.carry_over_cap_hours = Decimal("5")
    contract.extra_hour_price = Decimal("45")
    contract.currency = "EUR"
    contract.save()
    if TimeEntry.objects.filter(ticket__organisation=andes).exists():
        return
    manager = users["manager@andes.example"]
    now = timezone.now()
    today = services.local_date(andes, now)
    this_month, last_month = _month_start(today), _month_start(today, 1)

    # Last month first: this month's carry-over is taken from it when its period opens.
    for (subject, description, items), day in zip(ANDES_LAST_MONTH, (3, 11, 20), strict=True):
        opened = last_month + timedelta(days=day)
        _past_ticket(
            andes,
            manager,
            agent,
            subject,
            description,
            _local(andes, opened, 8, 30),
            _work(andes, opened, items, now),
            close=True,
        )

    period = services.period_for(contract, today)
    target = int(period.allowance_minutes * ANDES_TARGET)
    planned = sum(m for _s, _d, items in ANDES_THIS_MONTH for *_x, m, _w, b in items if b)
    planned += sum(minutes for _s, minutes, _w in ANDES_TODAY)
    scale = Decimal(target) / planned
    # This month's past work fits between the 1st and yesterday, however early it is.
    elapsed = (today - this_month).days
    for (subject, description, items), fraction in zip(ANDES_THIS_MONTH, (0.1, 0.5), strict=True):
        opened = this_month + timedelta(days=int(elapsed * fraction))
        _past_ticket(
            andes,
            manager,
            agent,
            subject,
            description,
            min(_local(andes, opened, 8, 30), now - timedelta(hours=6)),
            _work(andes, opened, items, now - timedelta(hours=3), scale),
            close=fraction < 0.5,
        )
    month_began = _local(andes, this_month, 0)
    for subject, minutes, what in ANDES_TODAY:
        ticket = andes.tickets.filter(subject=subject).first()
        if ticket is None:
            continue
        minutes = _scaled(minutes, scale)
        ended = now - timedelta(minutes=5)
        began = max(ended - timedelta(minutes=minutes), ticket.created_at, month_began)
        with dated(min(began + timedelta(minutes=minutes), now), ticket):
            services.time_entry_add(
                ticket=ticket, agent=agent, minutes=minutes, description=what, performed_at=began
            )


def _atelier(atelier, users, agent):
    today = services.local_date(atelier, timezone.now())
    start = _month_start(today, 1)
    Contract.objects.update_or_create(
        organisation=atelier,
        name="Pack 10 heures - migration",
        defaults={
            "start_date": start,
            "end_date": _month_start(today, -5) - timedelta(days=1),
            "bank_kind": BankKind.ONE_OFF,
            "bank_hours": Decimal("10"),
            "extra_hour_price": Decimal("60"),
            "currency": "EUR",
        },
    )
    if TimeEntry.objects.filter(ticket__organisation=atelier).exists():
        return
    manager = users["manager@atelier.example"]
    now = timezone.now()
    opened = start + timedelta(days=12)
    _past_ticket(
        atelier,
        manager,
        agent,
        "Migration du pare-feu",
        "Nous remplaçons le pare-feu du siège ; merci de migrer les règles.",
        _local(atelier, opened, 9),
        _work(
            atelier,
            opened,
            [
                (0, 10, 120, "Export et analyse des règles de l'ancien pare-feu.", True),
                (1, 14, 150, "Migration des règles et des VPN sur le nouveau pare-feu.", True),
            ],
            now,
        ),
        close=True,
    )
    backup_subject = CONFIGURATION_BACKUP["atelier-reseaux"][1]
    backup = atelier.tickets.filter(subject=backup_subject).first()
    if backup is not None:
        began = max(now - timedelta(minutes=50), backup.created_at)
        with dated(began + timedelta(minutes=45), backup):
            services.time_entry_add(
                ticket=backup,
                agent=agent,
                minutes=45,
                description="Configuration du mois dernier exportée et envoyée par lien sécurisé.",
                performed_at=began,
            )


# (title, description, due in days, manual progress,
#  [(subject, status, opened days ago, days to resolve, the agent's answer)])
NORTHWIND_OBJECTIVES = [
    (
        "Survey all three floors",
        "A coverage and interference survey of every floor of the London office.",
        -20,
        None,
        [
            (
                "Wi-Fi survey: ground floor",
                Status.CLOSED,
                30,
                2,
                "Survey done: the coverage maps and the interference report are on the objective.",
            ),
            (
                "Wi-Fi survey: floors 1-2",
                Status.CLOSED,
                27,
                3,
                "Floors 1 and 2 surveyed; two channels clashed with the neighbours, now moved.",
            ),
        ],
    ),
    (
        "Install the new access points",
        "Twelve Wi-Fi 6E access points, cabled and configured, the old ones removed.",
        21,
        None,
        [
            (
                "Install access points: ground floor",
                Status.RESOLVED,
                6,
                3,
                "Four access points installed and configured; the old ones are removed.",
            ),
            (
                "Install access points: first floor",
                Status.IN_PROGRESS,
                2,
                None,
                "Cabling done; we are mounting the access points this week.",
            ),
            (
                "Install access points: second floor",
                Status.OPEN,
                1,
                None,
                "Scheduled for next week; we will confirm the day with you.",
            ),
        ],
    ),
    (
        "Staff Wi-Fi onboarding guide",
        "A one-page guide for staff and a QR code for guests, in English.",
        35,
        60,
        [],
    ),
]


def _northwind(northwind, users, agent):
    today = services.local_date(northwind, timezone.now())
    contract, _ = Contract.objects.update_or_create(
        organisation=northwind,
        name="Managed Wi-Fi rollout",
        defaults={
            "start_date": _month_start(today, 2),
            "end_date": _month_start(today, -4) - timedelta(days=1),
            "bank_kind": BankKind.NONE,
        },
    )
    if contract.objectives.exists():
        return
    manager = users["manager@northwind.example"]
    supervisor = users["supervisor@support.example"]
    for order, (title, description, due_in, manual, tickets) in enumerate(NORTHWIND_OBJECTIVES):
        objective = Objective.objects.create(
            contract=contract,
            title=title,
            description=description,
            due_date=today + timedelta(days=due_in),
            manual_progress=manual,
            manual_set_by=supervisor if manual is not None else None,
            order=order,
        )
        for subject, status, days_ago, days_to_resolve, answer in tickets:
            opened_at = _local(northwind, today - timedelta(days=days_ago), 9, 30)
            ticket = _project_ticket(
                northwind, manager, agent, subject, f"Part of the objective: {title}.", opened_at
            )
            # Every ticket was answered: a first response is met by a reply, never by
            # the resolution alone.
            with dated(opened_at + timedelta(hours=1), ticket):
                ticket_services.comment_add(ticket=ticket, author=agent, body=answer)
            if status == Status.IN_PROGRESS:
                with dated(opened_at + timedelta(hours=1, minutes=5), ticket):
                    ticket_services.ticket_transition(
                        ticket=ticket, to=Status.IN_PROGRESS, by=agent
                    )
            if days_to_resolve is not None:
                resolved_at = opened_at + timedelta(days=days_to_resolve)
                with dated(resolved_at, ticket):
                    ticket_services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=agent)
                if status == Status.CLOSED:
                    with dated(resolved_at + timedelta(days=1), ticket):
                        ticket_services.ticket_transition(
                            ticket=ticket, to=Status.CLOSED, by=manager
                        )
            objective.tickets.add(ticket)


def _project_ticket(organisation, requester, agent, subject, description, opened_at):
    with dated(opened_at):
        return ticket_services.ticket_open(
            organisation=organisation,
            requester=requester,
            subject=subject,
            description=description,
            priority=Priority.LOW,
        )
