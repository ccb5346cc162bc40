"""The tickets part of `manage.py demo`: request types, services and tickets in every state.

Written through the services, so the activity feed shows a real history.
Runs once per organisation (skipped when it already has tickets).
"""

from datetime import timedelta

from django.utils import timezone

from contracts.models import Service

from . import services
from .models import Category, RequestSection, RequestType, RequestTypeField, TicketPolicy
from .states import Priority, Status

SECTIONS = [
    (
        "Incidents",
        "Incidencias",
        "Incidentes",
        "Incidents",
        [
            (
                "I have a problem",
                "Tengo un problema",
                "Tenho um problema",
                "J'ai un problème",
                "connectivity",
                Priority.HIGH,
                "Say what stopped working, since when, and what you already tried.",
                [("affected_site", "Affected site", "text", "", False)],
            ),
            (
                "I have a request",
                "Tengo una solicitud",
                "Tenho uma solicitação",
                "J'ai une demande",
                "general",
                Priority.MEDIUM,
                "Describe what you need and by when.",
                [],
            ),
            (
                "Reports",
                "Informes",
                "Relatórios",
                "Rapports",
                "general",
                Priority.LOW,
                "Which report, for which period.",
                [],
            ),
            (
                "Slow connection",
                "Conexión lenta",
                "Conexão lenta",
                "Connexion lente",
                "slow-speed",
                Priority.MEDIUM,
                "Run a speed test and give us the result and the time you ran it.",
                [
                    ("measured_speed", "Measured speed (Mbps)", "number", "", True),
                    ("connection", "Connection", "choice", "Cable\nWiFi", False),
                ],
            ),
        ],
    ),
    (
        "Support and configuration",
        "Soporte y configuración",
        "Suporte e configuração",
        "Support et configuration",
        [
            (
                "Advanced configuration",
                "Configuración avanzada",
                "Configuração avançada",
                "Configuration avancée",
                "technical",
                Priority.MEDIUM,
                "Attach the current configuration and describe the change.",
                [],
            ),
            (
                "Configuration of my account",
                "Configuración de mi cuenta",
                "Configuração da minha conta",
                "Configuration de mon compte",
                "account",
                Priority.LOW,
                "",
                [],
            ),
            (
                "I have a question",
                "Tengo una pregunta",
                "Tenho uma pergunta",
                "J'ai une question",
                "general",
                Priority.LOW,
                "",
                [],
            ),
            (
                "Billing question",
                "Consulta de facturación",
                "Dúvida de faturamento",
                "Question de facturation",
                "billing",
                Priority.LOW,
                "",
                [("invoice_number", "Invoice number", "text", "", True)],
            ),
        ],
    ),
]

SERVICES = {
    "andes-fibra": [
        ("Fibra 1 Gbps Santiago", "Internet", "CL-SCL-00123"),
        ("Firewall gestionado", "Security", "FW-5020-01"),
        ("Enlace MPLS Valparaíso", "MPLS", "CL-VAP-00456"),
    ],
    "vale-telecom": [("Link dedicado 500 Mbps", "Internet", "BR-SP-7788")],
    "atelier-reseaux": [("Fibre 500 Mb Paris", "Internet", "FR-PAR-3321")],
    "northwind-it": [("Managed Wi-Fi London", "WiFi", "GB-LON-0042")],
}


def load_catalogue():
    for order, (name, es, pt, fr, types) in enumerate(SECTIONS):
        section, _ = RequestSection.objects.update_or_create(
            name=name, defaults={"name_es": es, "name_pt": pt, "name_fr": fr, "order": order}
        )
        for type_order, (tname, tes, tpt, tfr, cat, prio, guidance, fields) in enumerate(types):
            request_type, _ = RequestType.objects.update_or_create(
                section=section,
                name=tname,
                defaults={
                    "name_es": tes,
                    "name_pt": tpt,
                    "name_fr": tfr,
                    "order": type_order,
                    "default_category": Category.objects.get(slug=cat),
                    "default_priority": prio,
                    "guidance": guidance,
                },
            )
            for field_order, (key, label, kind, choices, required) in enumerate(fields):
                RequestTypeField.objects.update_or_create(
                    request_type=request_type,
                    key=key,
                    defaults={
                        "label": label,
                        "kind": kind,
                        "choices": choices,
                        "required": required,
                        "order": field_order,
                    },
                )


def load_services(orgs):
    for slug, items in SERVICES.items():
        for name, kind, identifier in items:
            Service.objects.update_or_create(
                organisation=orgs[slug],
                identifier=identifier,
                defaults={"name": name, "kind": kind},
            )


def load_tickets(orgs, users):
    andes = orgs["andes-fibra"]
    # Vale Telecom shows the other priority mode: set by rule, not by the client.
    TicketPolicy.objects.update_or_create(
        organisation=orgs["vale-telecom"], defaults={"client_sets_priority": False}
    )
    if andes.tickets.exists():
        return
    member, member2 = users["member@andes.example"], users["member2@andes.example"]
    manager, agent = users["manager@andes.example"], users["agent@support.example"]
    problem = RequestType.objects.get(name="I have a problem")
    slow = RequestType.objects.get(name="Slow connection")
    question = RequestType.objects.get(name="I have a question")
    fibre = andes.services.get(identifier="CL-SCL-00123")

    def open_(subject, description, requester=member, **kwargs):
        return services.ticket_open(
            organisation=andes,
            requester=requester,
            subject=subject,
            description=description,
            **kwargs,
        )

    def reply(ticket, user, body):
        return services.comment_add(ticket=ticket, author=user, body=body)

    open_(
        "No internet at the Providencia office",
        "Since 08:10 no computer at the office has internet. The router's WAN light is red.",
        request_type=problem,
        priority=Priority.CRITICAL,
        services=[fibre],
        watchers=[member2],
    )
    t = open_(
        "Speed drops every evening",
        "Between 19:00 and 23:00 the speed falls to 80 Mbps. Speed test attached below.",
        request_type=slow,
        priority=Priority.MEDIUM,
        extra={"measured_speed": {"label": "Measured speed (Mbps)", "value": "80"}},
    )
    reply(t, agent, "Thank you. We are checking the port counters on your access switch.")
    services.ticket_transition(ticket=t, to=Status.IN_PROGRESS, by=agent)

    t = open_(
        "Open port 8443 on the managed firewall",
        "We need port 8443 open towards 10.0.0.15 for the new VPN portal.",
        request_type=question,
        requester=manager,
    )
    reply(t, agent, "Could you confirm the source addresses that should reach it?")
    services.ticket_transition(ticket=t, to=Status.WAITING_ON_CLIENT, by=agent)
    services.client_task_add(
        ticket=t,
        title="Send the list of source IP addresses",
        details="One address or range per line.",
        due_date=timezone.localdate() - timedelta(days=1),
        assignee=manager,
        by=agent,
    )
    services.comment_add(
        ticket=t, author=agent, body="Client is slow to answer; chase Friday.", internal=True
    )

    t = open_(
        "Invoice 2026-10 shows two fibre lines",
        "We only have one line but were billed twice.",
        requester=member2,
    )
    services.ticket_transition(ticket=t, to=Status.WAITING_ON_THIRD_PARTY, by=agent)
    reply(t, agent, "We have asked the billing team to review it and will come back to you.")

    t = open_("WiFi drops in the meeting room", "The access point in room 3 restarts every hour.")
    reply(t, agent, "We replaced the access point's power supply this morning.")
    services.ticket_transition(ticket=t, to=Status.RESOLVED, by=agent)

    t = open_("New user for the portal", "Please create an account for Valentina.")
    reply(t, agent, "Done: Valentina has been invited.")
    services.ticket_transition(ticket=t, to=Status.RESOLVED, by=agent)
    services.ticket_transition(ticket=t, to=Status.CLOSED, by=member)
    services.rating_set(ticket=t, score=5, comment="Fast, thank you!", by=member)

    t = open_("DNS resolution slow", "Some sites take 5 seconds to start loading.")
    reply(t, agent, "We changed your DNS resolvers.")
    services.ticket_transition(ticket=t, to=Status.RESOLVED, by=agent)
    reply(t, member, "It is happening again this morning.")  # reopens it

    # Untouched by support and opened a while ago: their deadlines show the marks.
    from sla.demo import backdate

    backdate(andes.tickets.get(subject="No internet at the Providencia office"), minutes=26)
    late = open_(
        "Backup link flapping",
        "The 4G backup link goes up and down every few minutes.",
        request_type=problem,
        priority=Priority.HIGH,
    )
    backdate(late, minutes=90)

    dup = open_(
        "Internet down Providencia", "Same as the other ticket, no internet.", requester=member2
    )
    original = andes.tickets.get(subject="No internet at the Providencia office")
    services.ticket_merge(source=dup, target=original, by=agent)
    services.ticket_transition(ticket=original, to=Status.OPEN, by=agent)

    for slug, email in (
        ("vale-telecom", "member@vale.example"),
        ("atelier-reseaux", "manager@atelier.example"),
        ("northwind-it", "manager@northwind.example"),
    ):
        if not orgs[slug].tickets.exists():
            services.ticket_open(
                organisation=orgs[slug],
                requester=users[email],
                subject="Router configuration backup",
                description="Please send us last month's configuration backup.",
                request_type=question,
            )
