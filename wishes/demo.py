"""The wishes part of `manage.py demo`: each organisation's board, in its own language.

Andes Fibra (Spanish) and Vale Telecom (Brazilian Portuguese) have a wish in every
column of the board; Atelier Réseaux (French) and Northwind IT (English) a couple
each. Colleagues vote, clients and staff comment (and staff leave one internal
note); one wish went back to its author and came again changed (two versions),
one was not accepted and asked for again as a new wish linked to it, one is
approved with an estimate and a target date, one planned, one in progress with
the ticket it became, one done.

Everything goes through wishes.services, each step dated when it happened
(core.demo.dated), so the board, the feed and the notifications tell the same
story. Runs once per organisation: skipped when it already has wishes.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo import dated
from tickets import services as ticket_services
from tickets.states import Status

from . import services
from .states import RefusalReason, Value, WishStatus

S = WishStatus
AGENT = "agent@support.example"
SUPERVISOR = "supervisor@support.example"


@dataclass
class Story:
    """One wish: asked for `days` ago by `author`, then its `steps` as (hours ago, action, ...).

    Actions: ("submit",) by the author; ("vote", email); ("comment", email, body);
    ("note", email, body) internal, by staff; ("move", to, {fields}) by the agent
    unless the fields name another `by`; ("edit", {fields}) by the author;
    ("ticket", reply) the agent opens its ticket and answers on it; ("again",
    Story) the author asks for a refused wish again, changed as the story says.
    """

    author: str
    title: str
    description: str
    days: float
    steps: list = field(default_factory=list)
    value: str = Value.MEDIUM
    services: tuple[str, ...] = ()
    private: bool = False


ANDES = [
    Story(
        "member@andes.example",
        "Alertas por SMS cuando se cae la fibra",
        "Hoy nos enteramos de los cortes cuando los usuarios reclaman. Queremos que el jefe "
        "de TI reciba un SMS apenas el enlace de fibra deje de responder.",
        days=3,
        value=Value.HIGH,
        services=("CL-SCL-00123",),
        steps=[
            (70, "submit"),
            (52, "vote", "member2@andes.example"),
            (50, "comment", "member2@andes.example", "Sería muy útil también para Valparaíso."),
            (30, "vote", "manager@andes.example"),
        ],
    ),
    Story(
        "member2@andes.example",
        "Informe mensual de disponibilidad por sede",
        "Cada mes necesitamos un PDF con la disponibilidad de cada sede, para presentarlo "
        "al directorio junto con los cortes y su duración.",
        days=7,
        services=("CL-SCL-00123", "CL-VAP-00456"),
        steps=[
            (160, "submit"),
            (150, "vote", "member@andes.example"),
            (100, "move", S.IN_REVIEW, {}),
            (
                99,
                "comment",
                AGENT,
                "Estamos viendo si podemos sacar el informe directamente de nuestro monitoreo.",
            ),
            (
                98,
                "note",
                SUPERVISOR,
                "El monitoreo de Valparaíso pasa por el MPLS: revisar con el equipo de red "
                "antes de comprometer una fecha.",
            ),
        ],
    ),
    Story(
        "manager@andes.example",
        "Acceso VPN para proveedores externos",
        "Necesitamos que dos proveedores entren a nuestra red por VPN para dar soporte a "
        "sus equipos.",
        days=5,
        value=Value.HIGH,
        services=("FW-5020-01",),
        steps=[
            (118, "submit"),
            (
                75,
                "move",
                S.CHANGES_REQUESTED,
                {
                    "note": "¿Qué proveedores, a qué equipos deben llegar y por cuánto tiempo? "
                    "Sin eso no podemos evaluar el riesgo."
                },
            ),
        ],
    ),
    # Sent back once, changed, then approved: two versions, an estimate and a date.
    Story(
        "member@andes.example",
        "Segunda red WiFi para visitas",
        "Queremos una red WiFi aparte para las visitas.",
        days=12,
        services=("CL-SCL-00123",),
        steps=[
            (287, "submit"),
            (
                240,
                "move",
                S.CHANGES_REQUESTED,
                {"note": "¿En qué sedes la necesitan y cuántas visitas esperan a la vez?"},
            ),
            (
                220,
                "edit",
                {
                    "description": "Queremos una red WiFi aparte para las visitas, en "
                    "Providencia y en Valparaíso, para unas 30 personas a la vez y sin acceso "
                    "a la red interna."
                },
            ),
            (219, "submit"),
            (200, "vote", "member2@andes.example"),
            (
                170,
                "move",
                S.APPROVED,
                {"estimate_hours": Decimal("6"), "counts_against_bank": True, "target_days": 20},
            ),
            (
                169,
                "comment",
                AGENT,
                "Aprobado: usaremos una VLAN separada en los puntos de acceso actuales. "
                "Son unas 6 horas de su bolsa.",
            ),
        ],
    ),
    Story(
        "member2@andes.example",
        "Renovar los puntos de acceso de la sala de reuniones",
        "Los puntos de acceso de la sala 3 tienen siete años y se quedan cortos cuando hay "
        "reuniones grandes.",
        days=16,
        steps=[
            (380, "submit"),
            (370, "vote", "member@andes.example"),
            (360, "vote", "manager@andes.example"),
            (300, "move", S.APPROVED, {}),
            (290, "move", S.PLANNED, {"target_days": 14}),
            (
                289,
                "comment",
                AGENT,
                "Los equipos nuevos llegan en dos semanas; los instalaremos un sábado.",
            ),
        ],
    ),
    # Became work: the ticket it opened is on the agent's queue.
    Story(
        "manager@andes.example",
        "Respaldo automático de la configuración del firewall",
        "Queremos un respaldo diario de la configuración del firewall, guardado fuera de "
        "la oficina.",
        days=10,
        value=Value.HIGH,
        services=("FW-5020-01",),
        steps=[
            (235, "submit"),
            (200, "move", S.APPROVED, {"estimate_hours": Decimal("4")}),
            (150, "move", S.IN_PROGRESS, {}),
            (
                149,
                "ticket",
                "Comenzamos la configuración del respaldo diario; les avisamos con el primero.",
            ),
            (
                140,
                "comment",
                "manager@andes.example",
                "¡Gracias! Avísennos con el primer respaldo.",
            ),
        ],
    ),
    Story(
        "member@andes.example",
        "Nombres internos para las impresoras",
        "Queremos llamar a las impresoras por su nombre (impresora-piso2) en vez de por su "
        "dirección IP.",
        days=20,
        value=Value.LOW,
        steps=[
            (470, "submit"),
            (440, "move", S.APPROVED, {}),
            (430, "move", S.IN_PROGRESS, {}),
            (50, "move", S.DONE, {}),
            (45, "comment", "member@andes.example", "¡Funciona perfecto, gracias!"),
        ],
    ),
    # Not accepted, then asked for again, changed: a new wish linked to it.
    Story(
        "member@andes.example",
        "Fibra de respaldo con otro proveedor en Providencia",
        "Queremos una segunda fibra con otro proveedor para no quedarnos sin internet.",
        days=18,
        services=("CL-SCL-00123",),
        steps=[
            (425, "submit"),
            (420, "vote", "manager@andes.example"),
            (
                380,
                "move",
                S.NOT_ACCEPTED,
                {
                    "reason": RefusalReason.COST,
                    "note": "Una segunda fibra con otro proveedor cuesta más que el enlace 4G "
                    "de respaldo que ya tienen; podemos darle más capacidad al 4G.",
                },
            ),
            (
                360,
                "again",
                Story(
                    "member@andes.example",
                    "Respaldo 4G con más capacidad en Providencia",
                    "Como nos sugirieron, queremos darle más capacidad al enlace 4G de "
                    "respaldo para que aguante a toda la oficina.",
                    days=0,
                    steps=[(355, "submit"), (300, "vote", "member2@andes.example")],
                ),
            ),
        ],
    ),
    Story(
        "member@andes.example",
        "Imprimir desde el celular",
        "Que las visitas puedan imprimir desde su celular.",
        days=1,
        value=Value.LOW,
    ),
]

VALE = [
    Story(
        "member@vale.example",
        "Relatório semanal de tráfego do link dedicado",
        "Toda segunda-feira queremos receber por e-mail o tráfego da semana anterior, com os "
        "horários de pico.",
        days=2,
        services=("BR-SP-7788",),
        steps=[(46, "submit"), (30, "vote", "manager@vale.example")],
    ),
    Story(
        "manager@vale.example",
        "Alerta quando o uso do link passar de 80%",
        "Queremos ser avisados quando o link ficar acima de 80% por mais de dez minutos.",
        days=6,
        value=Value.HIGH,
        services=("BR-SP-7788",),
        steps=[
            (140, "submit"),
            (130, "vote", "member@vale.example"),
            (96, "move", S.IN_REVIEW, {}),
            (
                95,
                "comment",
                AGENT,
                "Estamos verificando se o nosso monitoramento consegue enviar esse alerta.",
            ),
        ],
    ),
    Story(
        "member@vale.example",
        "Acesso ao sistema de ponto fora do escritório",
        "Alguns funcionários precisam registrar o ponto de casa.",
        days=4,
        steps=[
            (94, "submit"),
            (
                70,
                "move",
                S.CHANGES_REQUESTED,
                {
                    "note": "Quais funcionários e de quais redes? Precisamos disso para "
                    "liberar o acesso com segurança."
                },
            ),
            (60, "comment", "manager@vale.example", "Rafael, eu te passo a lista amanhã."),
        ],
    ),
    Story(
        "manager@vale.example",
        "IP fixo adicional para o servidor de e-mail",
        "Vamos trazer o servidor de e-mail para o escritório e ele precisa de um IP fixo próprio.",
        days=9,
        value=Value.HIGH,
        services=("BR-SP-7788",),
        steps=[
            (210, "submit"),
            (
                150,
                "move",
                S.APPROVED,
                {"estimate_hours": Decimal("2"), "target_days": 10},
            ),
            (149, "comment", AGENT, "Aprovado: reservamos o IP e configuramos em duas horas."),
        ],
    ),
    Story(
        "member@vale.example",
        "Migrar a rede do escritório para IPv6",
        "Nossos clientes já usam IPv6 e queremos a rede do escritório pronta também.",
        days=25,
        services=("BR-SP-7788",),
        steps=[
            (590, "submit"),
            (580, "vote", "manager@vale.example"),
            (500, "move", S.APPROVED, {}),
            (480, "move", S.PLANNED, {"target_days": 30}),
        ],
    ),
    Story(
        "manager@vale.example",
        "Prioridade para as chamadas de voz no link",
        "As chamadas de voz cortam quando alguém baixa arquivos grandes. Queremos que a voz "
        "tenha prioridade no link.",
        days=14,
        value=Value.HIGH,
        services=("BR-SP-7788",),
        steps=[
            (330, "submit"),
            (320, "vote", "member@vale.example"),
            (280, "move", S.APPROVED, {"estimate_hours": Decimal("5")}),
            (200, "move", S.IN_PROGRESS, {}),
            (
                199,
                "ticket",
                "Começamos a configurar a prioridade da voz; avisamos quando terminar.",
            ),
        ],
    ),
    Story(
        "member@vale.example",
        "Guardar os registros do roteador por mais tempo",
        "Hoje os registros do roteador somem depois de uma semana; precisamos de três meses "
        "para a auditoria.",
        days=30,
        value=Value.LOW,
        services=("BR-SP-7788",),
        steps=[
            (710, "submit"),
            (690, "move", S.APPROVED, {}),
            (680, "move", S.IN_PROGRESS, {}),
            (100, "move", S.DONE, {}),
            (90, "comment", "member@vale.example", "Perfeito, obrigado!"),
        ],
    ),
    Story(
        "member@vale.example",
        "Bloquear redes sociais no horário de trabalho",
        "Queremos bloquear as redes sociais das 9h às 18h.",
        days=11,
        steps=[
            (260, "submit"),
            (
                230,
                "move",
                S.NOT_ACCEPTED,
                {
                    "reason": RefusalReason.OUT_OF_SCOPE,
                    "note": "O filtro de conteúdo não faz parte dos serviços que gerenciamos "
                    "para vocês: o link dedicado não inclui firewall.",
                },
            ),
        ],
    ),
]

ATELIER = [
    Story(
        "manager@atelier.example",
        "Rapport mensuel de disponibilité de la fibre",
        "Nous aimerions recevoir chaque mois un rapport avec les coupures de la fibre et "
        "leur durée.",
        days=3,
        services=("FR-PAR-3321",),
        steps=[(70, "submit")],
    ),
    Story(
        "manager@atelier.example",
        "Un Wi-Fi invité pour les clients de l'atelier",
        "Nos clients attendent souvent à l'atelier : nous voudrions leur offrir un Wi-Fi "
        "séparé de notre réseau.",
        days=21,
        value=Value.LOW,
        services=("FR-PAR-3321",),
        steps=[
            (500, "submit"),
            (470, "move", S.APPROVED, {}),
            (460, "move", S.IN_PROGRESS, {}),
            (300, "move", S.DONE, {}),
            (290, "comment", "manager@atelier.example", "Merci, nos clients l'utilisent déjà !"),
        ],
    ),
]

NORTHWIND = [
    Story(
        "manager@northwind.example",
        "Guest Wi-Fi usage report per floor",
        "We would like to know how many guests use the Wi-Fi on each floor, every month.",
        days=5,
        services=("GB-LON-0042",),
        steps=[
            (115, "submit"),
            (110, "vote", "member@andes.example"),
            (80, "move", S.IN_REVIEW, {}),
        ],
    ),
    Story(
        "manager@northwind.example",
        "Extend the Wi-Fi to the roof terrace",
        "Our staff work on the roof terrace in the summer and the signal does not reach it.",
        days=15,
        services=("GB-LON-0042",),
        steps=[
            (350, "submit"),
            (300, "move", S.APPROVED, {}),
            (290, "move", S.PLANNED, {"target_days": 40}),
            (289, "comment", AGENT, "We will survey the terrace first and fit two access points."),
        ],
    ),
]

STORIES = {
    "andes-fibra": ANDES,
    "vale-telecom": VALE,
    "atelier-reseaux": ATELIER,
    "northwind-it": NORTHWIND,
}


def run(demo):
    orgs, users = demo.organisations, demo.users
    now = timezone.now()
    for slug, stories in STORIES.items():
        organisation = orgs.get(slug)
        if organisation is None or organisation.wishes.exists():
            continue
        for story in sorted(stories, key=lambda s: -s.days):  # numbered in the order asked
            _tell(organisation, users, now, story)


def _tell(organisation, users, now, story, resubmitted_from=None):
    def ago(hours):
        return now - timedelta(hours=hours)

    author = users[story.author]
    if resubmitted_from is None:
        with dated(ago(story.days * 24)):
            wish = services.wish_create(
                organisation=organisation,
                author=author,
                title=story.title,
                description=story.description,
                value=story.value,
                services=organisation.services.filter(identifier__in=story.services),
                visible_to_organisation=not story.private,
            )
    else:
        wish = resubmitted_from
    for hours, action, *args in story.steps:
        with dated(ago(hours)):
            result = _act(users, now, wish, author, action, args)
        if action == "again":
            # Told after the block: each of its steps is dated on its own.
            _tell(organisation, users, now, args[0], resubmitted_from=result)
        elif result is not None:
            wish = result


def _act(users, now, wish, author, action, args):
    """One step of a story, at the moment `dated` set; the wish as it is after it, if changed."""
    agent = users[AGENT]
    if action == "submit":
        return services.wish_submit(wish=wish, by=author)
    if action == "vote":
        services.wish_vote(wish=wish, user=users[args[0]])
    elif action in ("comment", "note"):
        email, body = args
        services.wish_comment(wish=wish, author=users[email], body=body, internal=action == "note")
    elif action == "move":
        to, fields = args
        fields = dict(fields)
        by = users[fields.pop("by", AGENT)]
        if "target_days" in fields:
            fields["target_date"] = timezone.localdate(now) + timedelta(
                days=fields.pop("target_days")
            )
        return services.wish_move(wish=wish, to=to, by=by, **fields)
    elif action == "edit":
        return services.wish_update(wish=wish, by=author, **args[0])
    elif action == "ticket":
        ticket = services.wish_to_ticket(wish=wish, by=agent)
        ticket_services.comment_add(ticket=ticket, author=agent, body=args[0])
        ticket_services.ticket_transition(ticket=ticket, to=Status.IN_PROGRESS, by=agent)
    elif action == "again":
        (story,) = args
        copy = services.wish_resubmit_copy(wish=wish, by=author)
        return services.wish_update(
            wish=copy, by=author, title=story.title, description=story.description
        )
    else:
        raise ValueError(f"Unknown demo action {action!r}")
    return None
