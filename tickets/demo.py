"""The tickets part of `manage.py demo`: request types and tickets in every state.

Written through the services, so the activity feed shows a real history.
Runs once per organisation (skipped when it already has tickets).
"""

from datetime import timedelta

from django.utils import timezone

from accounts.configtext import ALL, column
from core.demo import dated

from . import services
from .models import Category, RequestSection, RequestType, RequestTypeField, TicketPolicy
from .states import Priority, Status

# Each text in English, Spanish, Portuguese and French (accounts/configtext.py).
NO_GUIDANCE = ("", "", "", "")

SECTIONS = [
    (
        ("Incidents", "Incidencias", "Incidentes", "Incidents"),
        [
            (
                ("I have a problem", "Tengo un problema", "Tenho um problema", "J'ai un problème"),
                "connectivity",
                Priority.HIGH,
                (
                    "Say what stopped working, since when, and what you already tried.",
                    "Indique qué dejó de funcionar, desde cuándo y qué ha probado ya.",
                    "Diga o que parou de funcionar, desde quando e o que você já tentou.",
                    "Dites ce qui ne fonctionne plus, depuis quand et ce que vous avez "
                    "déjà essayé.",
                ),
                [
                    (
                        "affected_site",
                        ("Affected site", "Sede afectada", "Local afetado", "Site concerné"),
                        "text",
                        ("", "", "", ""),
                        False,
                    )
                ],
            ),
            (
                (
                    "I have a request",
                    "Tengo una solicitud",
                    "Tenho uma solicitação",
                    "J'ai une demande",
                ),
                "general",
                Priority.MEDIUM,
                (
                    "Describe what you need and by when.",
                    "Describa qué necesita y para cuándo.",
                    "Descreva o que você precisa e para quando.",
                    "Décrivez ce dont vous avez besoin et pour quand.",
                ),
                [],
            ),
            (
                ("Reports", "Informes", "Relatórios", "Rapports"),
                "general",
                Priority.LOW,
                (
                    "Which report, for which period.",
                    "Qué informe y de qué período.",
                    "Qual relatório e de qual período.",
                    "Quel rapport, pour quelle période.",
                ),
                [],
            ),
            (
                ("Slow connection", "Conexión lenta", "Conexão lenta", "Connexion lente"),
                "slow-speed",
                Priority.MEDIUM,
                (
                    "Run a speed test and give us the result and the time you ran it.",
                    "Haga una prueba de velocidad y envíenos el resultado y la hora "
                    "en que la hizo.",
                    "Faça um teste de velocidade e envie o resultado e o horário em que o fez.",
                    "Faites un test de débit et donnez-nous le résultat et l'heure du test.",
                ),
                [
                    (
                        "measured_speed",
                        (
                            "Measured speed (Mbps)",
                            "Velocidad medida (Mbps)",
                            "Velocidade medida (Mbps)",
                            "Débit mesuré (Mbit/s)",
                        ),
                        "number",
                        ("", "", "", ""),
                        True,
                        (
                            "The download speed the test gave.",
                            "La velocidad de descarga que dio la prueba.",
                            "A velocidade de download que o teste mostrou.",
                            "Le débit descendant indiqué par le test.",
                        ),
                    ),
                    (
                        "connection",
                        ("Connection", "Conexión", "Conexão", "Connexion"),
                        "choice",
                        (
                            "cable|Cable\nwifi|Wi-Fi",
                            "cable|Cable\nwifi|Wi-Fi",
                            "cable|Cabo\nwifi|Wi-Fi",
                            "cable|Câble\nwifi|Wi-Fi",
                        ),
                        False,
                    ),
                ],
            ),
        ],
    ),
    (
        (
            "Support and configuration",
            "Soporte y configuración",
            "Suporte e configuração",
            "Support et configuration",
        ),
        [
            (
                (
                    "Advanced configuration",
                    "Configuración avanzada",
                    "Configuração avançada",
                    "Configuration avancée",
                ),
                "technical",
                Priority.MEDIUM,
                (
                    "Attach the current configuration and describe the change.",
                    "Adjunte la configuración actual y describa el cambio.",
                    "Anexe a configuração atual e descreva a mudança.",
                    "Joignez la configuration actuelle et décrivez la modification.",
                ),
                [],
            ),
            (
                (
                    "Configuration of my account",
                    "Configuración de mi cuenta",
                    "Configuração da minha conta",
                    "Configuration de mon compte",
                ),
                "account",
                Priority.LOW,
                NO_GUIDANCE,
                [],
            ),
            (
                (
                    "I have a question",
                    "Tengo una pregunta",
                    "Tenho uma pergunta",
                    "J'ai une question",
                ),
                "general",
                Priority.LOW,
                NO_GUIDANCE,
                [],
            ),
            (
                (
                    "Billing question",
                    "Consulta de facturación",
                    "Dúvida de faturamento",
                    "Question de facturation",
                ),
                "billing",
                Priority.LOW,
                (
                    "Give the invoice number and what looks wrong on it.",
                    "Indique el número de factura y qué le parece incorrecto.",
                    "Informe o número da fatura e o que parece errado nela.",
                    "Indiquez le numéro de facture et ce qui vous semble erroné.",
                ),
                [
                    (
                        "invoice_number",
                        (
                            "Invoice number",
                            "Número de factura",
                            "Número da fatura",
                            "Numéro de facture",
                        ),
                        "text",
                        ("", "", "", ""),
                        True,
                    )
                ],
            ),
        ],
    ),
]


def versions(field: str, texts: tuple[str, str, str, str]) -> dict:
    """`name`, `name_es`, `name_pt`, `name_fr` from (en, es, pt, fr)."""
    return {column(field, code): text for code, text in zip(ALL, texts, strict=True)}


def load_catalogue():
    for order, (names, types) in enumerate(SECTIONS):
        section, _ = RequestSection.objects.update_or_create(
            name=names[0], defaults={**versions("name", names), "order": order}
        )
        for type_order, (tnames, cat, prio, guidance, fields) in enumerate(types):
            request_type, _ = RequestType.objects.update_or_create(
                section=section,
                name=tnames[0],
                defaults={
                    **versions("name", tnames),
                    **versions("guidance", guidance),
                    "order": type_order,
                    "default_category": Category.objects.get(slug=cat),
                    "default_priority": prio,
                },
            )
            for field_order, (key, labels, kind, choices, required, *help_text) in enumerate(
                fields
            ):
                RequestTypeField.objects.update_or_create(
                    request_type=request_type,
                    key=key,
                    defaults={
                        **versions("label", labels),
                        **versions("choices", choices),
                        **versions("help_text", help_text[0] if help_text else ("",) * 4),
                        "kind": kind,
                        "required": required,
                        "order": field_order,
                    },
                )


# Subjects the other demo parts find the tickets by.
NO_INTERNET = "Sin internet en la oficina de Providencia"
SLOW_EVENINGS = "La velocidad cae todas las noches"
FIREWALL_PORT = "Abrir el puerto 8443 en el firewall gestionado"
SLOW_DNS = "Resolución DNS lenta"
# One open request per other organisation, in its language (organisation's default_language).
CONFIGURATION_BACKUP = {
    "vale-telecom": (
        "member@vale.example",
        "Backup da configuração do roteador",
        "Por favor, enviem o backup da configuração do roteador do mês passado.",
    ),
    "atelier-reseaux": (
        "manager@atelier.example",
        "Sauvegarde de la configuration du routeur",
        "Merci de nous envoyer la sauvegarde de la configuration du routeur du mois dernier.",
    ),
    "northwind-it": (
        "manager@northwind.example",
        "Router configuration backup",
        "Please send us last month's configuration backup of the router.",
    ),
}


def load_tickets(orgs, users):
    """Andes Fibra's tickets in every state, told in Spanish over the last days."""
    andes = orgs["andes-fibra"]
    # Vale Telecom shows the other priority mode: set by rule, not by the client.
    TicketPolicy.objects.update_or_create(
        organisation=orgs["vale-telecom"], defaults={"client_sets_priority": False}
    )
    question = RequestType.objects.get(name="I have a question")
    if not andes.tickets.exists():
        _andes(andes, users)
    now = timezone.now()
    for slug, (email, subject, description) in CONFIGURATION_BACKUP.items():
        if not orgs[slug].tickets.exists():
            with dated(now - timedelta(hours=3)):
                services.ticket_open(
                    organisation=orgs[slug],
                    requester=users[email],
                    subject=subject,
                    description=description,
                    request_type=question,
                )


def _andes(andes, users):
    member, member2 = users["member@andes.example"], users["member2@andes.example"]
    manager, agent = users["manager@andes.example"], users["agent@support.example"]
    supervisor = users["supervisor@support.example"]
    problem = RequestType.objects.get(name="I have a problem")
    slow = RequestType.objects.get(name="Slow connection")
    question = RequestType.objects.get(name="I have a question")
    now = timezone.now()

    def ago(hours=0, minutes=0):
        # ago(49, -5): five minutes after 49 hours ago.
        return now - timedelta(hours=hours, minutes=minutes)

    def open_(when, subject, description, requester=member, **kwargs):
        with dated(when):
            return services.ticket_open(
                organisation=andes,
                requester=requester,
                subject=subject,
                description=description,
                **kwargs,
            )

    def reply(when, ticket, user, body, internal=False):
        with dated(when, ticket):
            services.comment_add(ticket=ticket, author=user, body=body, internal=internal)

    def move(when, ticket, to, by=agent):
        with dated(when, ticket):
            services.ticket_transition(ticket=ticket, to=to, by=by)

    def assign(when, ticket):
        # The supervisor hands it to the agent: the first staff action acknowledges it.
        with dated(when, ticket):
            services.ticket_assign(ticket=ticket, assignee=agent, by=supervisor)

    # Opened oldest first, so that the numbers follow the dates.
    new_user = open_(
        ago(5 * 24), "Nuevo usuario para el portal", "Por favor, creen una cuenta para Valentina."
    )
    dns = open_(ago(50), SLOW_DNS, "Algunos sitios tardan 5 segundos en empezar a cargar.")
    invoice = open_(
        ago(48),
        "La última factura muestra dos líneas de fibra",
        "Solo tenemos una línea, pero nos la cobraron dos veces.",
        requester=member2,
    )
    wifi = open_(
        ago(30),
        "El WiFi se corta en la sala de reuniones",
        "El punto de acceso de la sala 3 se reinicia cada hora.",
    )
    firewall = open_(
        ago(26),
        FIREWALL_PORT,
        "Necesitamos el puerto 8443 abierto hacia 10.0.0.15 para el nuevo portal VPN.",
        request_type=question,
        requester=manager,
    )
    evenings = open_(
        ago(20),
        SLOW_EVENINGS,
        "Entre las 19:00 y las 23:00 la velocidad baja a 80 Mbps. "
        "La prueba de velocidad de anoche a las 21:15 dio 80 Mbps.",
        request_type=slow,
        priority=Priority.MEDIUM,
        extra={"measured_speed": {"label": "Velocidad medida (Mbps)", "value": "80"}},
    )
    # Untouched by support and opened a while ago: their deadlines show the marks.
    open_(
        ago(minutes=90),
        "Enlace de respaldo intermitente",
        "El enlace 4G de respaldo se cae y vuelve cada pocos minutos.",
        request_type=problem,
        priority=Priority.HIGH,
    )
    outage = open_(
        ago(minutes=26),
        NO_INTERNET,
        "Desde las 8:10 ningún computador de la oficina tiene internet. "
        "La luz WAN del router está en rojo.",
        request_type=problem,
        priority=Priority.CRITICAL,
        watchers=[member2],
    )
    duplicate = open_(
        ago(minutes=22),
        "Internet caído en Providencia",
        "Lo mismo que el otro ticket: no hay internet.",
        requester=member2,
    )

    reply(ago(5 * 24, -40), new_user, agent, "Listo: Valentina ya recibió su invitación.")
    move(ago(5 * 24, -41), new_user, Status.RESOLVED)
    move(ago(4 * 24 - 2), new_user, Status.CLOSED, by=member)
    with dated(ago(4 * 24 - 2, -5), new_user):
        services.rating_set(ticket=new_user, score=5, comment="¡Rápido, gracias!", by=member)

    reply(ago(50, -45), dns, agent, "Cambiamos sus servidores DNS por los de nuestra red.")
    move(ago(50, -50), dns, Status.RESOLVED)
    reply(ago(3), dns, member, "Hoy vuelve a pasar: los sitios tardan en cargar.")  # reopens it

    move(ago(48, -40), invoice, Status.WAITING_ON_THIRD_PARTY)
    reply(
        ago(48, -45),
        invoice,
        agent,
        "Pedimos al equipo de facturación que la revise y le responderemos.",
    )

    assign(ago(30, -20), wifi)
    reply(
        ago(27),
        wifi,
        agent,
        "Cambiamos la fuente de alimentación del punto de acceso; ya no se reinicia.",
    )
    move(ago(27, -5), wifi, Status.RESOLVED)

    assign(ago(26, -15), firewall)
    reply(
        ago(24),
        firewall,
        agent,
        "¿Podrían confirmar las direcciones de origen que deben llegar a ese puerto?",
    )
    move(ago(24, -2), firewall, Status.WAITING_ON_CLIENT)
    with dated(ago(24, -5), firewall):
        services.client_task_add(
            ticket=firewall,
            title="Enviar la lista de direcciones IP de origen",
            details="Una dirección o un rango por línea.",
            due_date=timezone.localdate() - timedelta(days=1),
            assignee=manager,
            by=agent,
        )
    reply(ago(4), firewall, agent, "El cliente tarda en responder; insistir el viernes.", True)

    assign(ago(20, -10), evenings)
    reply(
        ago(20, -40),
        evenings,
        agent,
        "Gracias. Estamos revisando los contadores del puerto en su switch de acceso.",
    )
    move(ago(20, -45), evenings, Status.IN_PROGRESS)

    with dated(ago(minutes=19), duplicate, outage):
        services.ticket_merge(source=duplicate, target=outage, by=agent)
    move(ago(minutes=19), outage, Status.OPEN)

    # What agents should pick up first: an open escalation and a pending call.
    with dated(ago(5), evenings):
        services.ticket_escalate(
            ticket=evenings,
            reason="Llevamos tres semanas con la velocidad baja cada noche y se cortan "
            "las videollamadas con nuestros clientes. Necesitamos una solución esta semana.",
            by=manager,
        )
    with dated(ago(minutes=15), outage):
        services.call_request(
            ticket=outage,
            phone="+56 2 2345 6789",
            preferred_time="Lo antes posible, hasta las 18:00",
            by=member,
        )


# Tags on a ticket, per organisation's language: what an agent would file them under.
BACKUP_TAGS = {
    "vale-telecom": "backup",
    "northwind-it": "backup",
    "atelier-reseaux": "sauvegarde",
}


def load_workspace(orgs, users):
    """Tags, a link, a mention and a follow, so that the agents' workspace shows them."""
    from . import desk, relations
    from .models import Tag, Ticket

    if Tag.objects.exists():
        return
    agent, supervisor = users["agent@support.example"], users["supervisor@support.example"]
    # An agent's action acknowledges a ticket (sla): dated, so its clock agrees with it.
    moment = timezone.now() - timedelta(minutes=45)
    for slug, tag in BACKUP_TAGS.items():
        subject = CONFIGURATION_BACKUP[slug][1]
        backup = Ticket.objects.filter(organisation=orgs[slug], subject=subject).first()
        if backup is not None:
            with dated(moment, backup):
                relations.tag_add(ticket=backup, name=tag, by=agent)
    andes = Ticket.objects.filter(organisation=orgs["andes-fibra"])
    slow = andes.filter(subject=SLOW_EVENINGS).first()
    backup_link = andes.filter(subject="Enlace de respaldo intermitente").first()
    if slow is None or backup_link is None:
        return
    with dated(moment, slow, backup_link):
        for ticket in (slow, backup_link):
            relations.tag_add(ticket=ticket, name="fibra", by=agent)
        relations.tag_add(ticket=slow, name="vip", by=supervisor)
        relations.link_add(ticket=backup_link, other=slow, kind="relates", by=agent)
    with dated(timezone.now() - timedelta(minutes=30), slow):
        desk.note_add(
            ticket=slow,
            author=agent,
            body="@supervisor ¿puedes revisar con el proveedor el enlace troncal? "
            "La caída coincide con su ventana de mantenimiento.",
            mentioned=[supervisor],
        )
    desk.follow(ticket=backup_link, user=supervisor, on=True)
