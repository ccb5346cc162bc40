"""The contracts part of `manage.py demo`: hours banks with time entries, objectives.

- Andes Fibra's "Fibra Empresas 2026" (made by sla/demo.py): 20 h a month, unused
  hours carried over up to 5 h, extra hours at 45 EUR; last month's work and this
  month's, about 85 % of the bank, so the 80 % event shows.
- Atelier Réseaux: a one-off bank of 10 h.
- Northwind IT: a Wi-Fi rollout followed through three objectives.

Time is logged through contracts.services.time_entry_add by the demo agent. The
work of past days is on tickets opened then: they are opened and answered through
the services, then their timestamps are moved back (demo only). Runs once per
organisation (skipped when it already has time entries or objectives).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from activity.models import Event
from sla.models import TicketClock
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.states import Status

from . import services
from .models import BankKind, Contract, Objective, TimeEntry

# (subject, description, [(day offset, hour, minutes, what was done, billable)])
ANDES_LAST_MONTH = [
    (
        "VLANs for the new third floor",
        "We are moving the sales team to the third floor next week and need their VLANs there.",
        [
            (0, 10, 90, "Reviewed the floor plan and the current VLAN layout with Camila.", True),
            (1, 9, 180, "Configured VLANs 30-34 on the core and both new access switches.", True),
            (1, 15, 120, "Patched and tested the 24 new ports; all phones register.", True),
        ],
    ),
    (
        "Review of the firewall rules",
        "Please review the firewall rules before our audit; some look obsolete.",
        [
            (0, 11, 150, "Exported the rules; 41 had no hits in 90 days.", True),
            (2, 10, 120, "Removed the obsolete rules agreed with the client; backup kept.", True),
            (2, 16, 30, "Sent the change report for the audit.", False),
        ],
    ),
    (
        "Quarterly network health check",
        "The usual quarterly check, please.",
        [
            (0, 9, 150, "Checked the error counters, optics levels and CPU of all devices.", True),
            (1, 11, 120, "Updated the access switches' firmware in the maintenance window.", True),
            (1, 14, 60, "Wrote the health report with the recommendations.", True),
        ],
    ),
]
ANDES_THIS_MONTH = [
    (
        "QoS for VoIP at the headquarters",
        "Calls break up when the office downloads big files. Can you prioritise voice?",
        [
            (0, 10, 120, "Measured jitter and loss on the uplink during office hours.", True),
            (1, 9, 180, "Designed and applied the QoS policy (voice EF, video AF41).", True),
            (2, 11, 90, "Tested calls under load with the client; MOS above 4.2.", True),
        ],
    ),
    (
        "Site survey for the Viña del Mar branch",
        "We are opening a branch in Viña del Mar and need the network designed.",
        [
            (0, 9, 240, "On-site survey: rack space, power, fibre entry and Wi-Fi coverage.", True),
            (1, 10, 150, "Wrote the design and the bill of materials.", True),
            (1, 16, 45, "Call to go through the design with Camila.", False),
        ],
    ),
]
# On tickets the tickets demo opened today: (subject, minutes, what was done)
ANDES_TODAY = [
    ("Speed drops every evening", 180, "Traced the drops to a saturated port; moved the link."),
    ("No internet at the Providencia office", 60, "Remote diagnosis with the on-site contact."),
    ("DNS resolution slow", 90, "Changed the resolvers and checked the cache hit rate."),
]
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

    `work` is [(performed_at, minutes, what was done, billable)].
    """
    ticket = ticket_services.ticket_open(
        organisation=organisation, requester=requester, subject=subject, description=description
    )
    ticket_services.comment_add(
        ticket=ticket, author=agent, body="Thank you, we are on it and will keep you posted."
    )
    entries = [
        services.time_entry_add(
            ticket=ticket,
            agent=agent,
            minutes=minutes,
            description=what,
            billable=billable,
            performed_at=when,
        )
        for when, minutes, what, billable in work
    ]
    ticket_services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=agent)
    if close:
        ticket_services.ticket_transition(ticket=ticket, to=Status.CLOSED, by=requester)
    done_at = max(e.performed_at + timedelta(minutes=e.minutes) for e in entries) + timedelta(
        hours=1
    )
    _move_back(ticket, opened_at, done_at, entries)
    return ticket


def _move_back(ticket, opened_at, done_at, entries):
    """Demo only: put the ticket's history at the time it happened."""
    now = timezone.now()
    TicketClock.objects.filter(ticket=ticket).update(
        **{
            name: F(name) - (now - opened_at)
            for name in ("running_since", "due_at", "warn_at", "met_at", "stopped_at")
        },
        created_at=opened_at,
    )
    closed = Ticket.objects.filter(pk=ticket.pk, status=Status.CLOSED).exists()
    closed_at = done_at + timedelta(days=1)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=opened_at,
        updated_at=closed_at if closed else done_at,
        last_activity_at=closed_at if closed else done_at,
        last_client_activity_at=opened_at,
        resolved_at=done_at,
        closed_at=closed_at if closed else None,
    )
    ticket.comments.update(created_at=opened_at + timedelta(hours=1))
    for entry in entries:
        logged = entry.performed_at + timedelta(minutes=entry.minutes)
        TimeEntry.objects.filter(pk=entry.pk).update(created_at=logged, updated_at=logged)
    events = list(
        Event.objects.filter(organisation=ticket.organisation, data__number=ticket.number)
        .exclude(verb__startswith="hours_bank_")
        .order_by("pk")
    )
    logged = iter(entries)
    for step, event in enumerate(events):
        if event.verb == "time_logged":
            entry = next(logged)
            event.created_at = entry.performed_at + timedelta(minutes=entry.minutes)
        elif event.verb == "ticket_resolved":
            event.created_at = done_at
        elif event.verb == "ticket_closed":
            event.created_at = closed_at
        else:
            event.created_at = opened_at + timedelta(minutes=step * 20)
    Event.objects.bulk_update(events, ["created_at"])


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
    for subject, minutes, what in ANDES_TODAY:
        ticket = andes.tickets.filter(subject=subject).first()
        if ticket is not None:
            services.time_entry_add(
                ticket=ticket, agent=agent, minutes=_scaled(minutes, scale), description=what
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
    backup = atelier.tickets.filter(subject="Router configuration backup").first()
    if backup is not None:
        services.time_entry_add(
            ticket=backup,
            agent=agent,
            minutes=45,
            description="Exported last month's configuration and sent it by secure link.",
        )


# (title, description, due in days, manual progress, [(subject, status)])
NORTHWIND_OBJECTIVES = [
    (
        "Survey all three floors",
        "A coverage and interference survey of every floor of the London office.",
        -20,
        None,
        [
            ("Wi-Fi survey: ground floor", Status.CLOSED),
            ("Wi-Fi survey: floors 1-2", Status.RESOLVED),
        ],
    ),
    (
        "Install the new access points",
        "Twelve Wi-Fi 6E access points, cabled and configured, the old ones removed.",
        21,
        None,
        [
            ("Install access points: ground floor", Status.RESOLVED),
            ("Install access points: first floor", Status.IN_PROGRESS),
            ("Install access points: second floor", Status.OPEN),
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
        for subject, status in tickets:
            ticket = ticket_services.ticket_open(
                organisation=northwind,
                requester=manager,
                subject=subject,
                description=f"Part of the objective: {title}.",
            )
            for step in _path_to(status):
                by = manager if step == Status.CLOSED else agent
                ticket_services.ticket_transition(ticket=ticket, to=step, by=by)
            objective.tickets.add(ticket)


def _path_to(status):
    return {
        Status.OPEN: [Status.OPEN],
        Status.IN_PROGRESS: [Status.OPEN, Status.IN_PROGRESS],
        Status.RESOLVED: [Status.IN_PROGRESS, Status.RESOLVED],
        Status.CLOSED: [Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED],
    }[status]
