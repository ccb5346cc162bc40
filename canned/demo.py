"""The canned replies and signatures of `manage.py demo`, in the four portal languages.

Everyone's replies greet, ask for details and close; the agents' team has "we are
on it" with the SLA deadline. Ana and Sergio sign in each language. Refreshed in
place on every run (matched by the English title), never duplicated.
"""

from django.contrib.auth.models import Group

from accounts.roles import AGENT

from .models import CannedReply, Scope, Signature

# (scope, {language: (title, body)})
REPLIES = [
    (
        Scope.EVERYONE,
        {
            "en": (
                "Greeting",
                "Hello {client_first_name},\n\nThank you for contacting us about "
                "“{ticket_subject}” ({ticket_number}).",
            ),
            "es": (
                "Saludo",
                "Hola {client_first_name}:\n\nGracias por escribirnos sobre "
                "«{ticket_subject}» ({ticket_number}).",
            ),
            "pt": (
                "Saudação",
                "Olá, {client_first_name}!\n\nObrigado por nos contatar sobre "
                "“{ticket_subject}” ({ticket_number}).",
            ),
            "fr": (
                "Salutation",
                "Bonjour {client_first_name},\n\nMerci de nous avoir contactés au sujet de "
                "« {ticket_subject} » ({ticket_number}).",
            ),
        },
    ),
    (
        Scope.EVERYONE,
        {
            "en": (
                "Asking for details",
                "To look into this we need a few details: since when does it happen, "
                "which sites or devices are affected, and any error message you see. "
                "A screenshot helps too.",
            ),
            "es": (
                "Pedir detalles",
                "Para revisarlo necesitamos algunos detalles: desde cuándo ocurre, qué sedes "
                "o equipos están afectados y el mensaje de error que aparece. Una captura "
                "de pantalla también ayuda.",
            ),
            "pt": (
                "Pedir detalhes",
                "Para analisarmos, precisamos de alguns detalhes: desde quando acontece, "
                "quais unidades ou equipamentos são afetados e a mensagem de erro exibida. "
                "Uma captura de tela também ajuda.",
            ),
            "fr": (
                "Demander des précisions",
                "Pour étudier le problème, il nous faut quelques précisions : depuis quand "
                "il se produit, quels sites ou équipements sont touchés et le message "
                "d'erreur affiché. Une capture d'écran nous aide aussi.",
            ),
        },
    ),
    (
        Scope.EVERYONE,
        {
            "en": (
                "Closing",
                "We consider {ticket_number} solved. If anything is still not right, just "
                "reply here and the ticket reopens.\n\nKind regards,\n{agent_name}",
            ),
            "es": (
                "Cierre",
                "Damos por resuelto el ticket {ticket_number}. Si algo sigue fallando, "
                "responda aquí y el ticket se reabre.\n\nSaludos cordiales,\n{agent_name}",
            ),
            "pt": (
                "Encerramento",
                "Consideramos o chamado {ticket_number} resolvido. Se algo ainda não estiver "
                "certo, responda aqui e ele será reaberto.\n\nAtenciosamente,\n{agent_name}",
            ),
            "fr": (
                "Clôture",
                "Nous considérons le ticket {ticket_number} comme résolu. Si quelque chose ne "
                "va toujours pas, répondez ici et il sera rouvert.\n\nCordialement,\n"
                "{agent_name}",
            ),
        },
    ),
    (
        Scope.TEAM,
        {
            "en": (
                "We are on it",
                "Hello {client_first_name}, we are working on {ticket_number} for "
                "{organisation}. Our next commitment: {sla_deadline}. We will update you "
                "before then.",
            ),
            "es": (
                "Estamos en ello",
                "Hola {client_first_name}, estamos trabajando en {ticket_number} para "
                "{organisation}. Próximo plazo: {sla_deadline}. Le informaremos antes.",
            ),
            "pt": (
                "Estamos cuidando disso",
                "Olá, {client_first_name}, estamos trabalhando no chamado {ticket_number} "
                "de {organisation}. Próximo prazo: {sla_deadline}. Daremos notícias antes "
                "disso.",
            ),
            "fr": (
                "Nous nous en occupons",
                "Bonjour {client_first_name}, nous travaillons sur le ticket {ticket_number} "
                "pour {organisation}. Prochaine échéance : {sla_deadline}. Nous vous "
                "tiendrons informé d'ici là.",
            ),
        },
    ),
]

SIGNATURES = {
    "agent@support.example": {
        "en": "Ana Agent\nSupport team",
        "es": "Ana Agent\nEquipo de soporte",
        "pt": "Ana Agent\nEquipe de suporte",
        "fr": "Ana Agent\nÉquipe d'assistance",
    },
    "supervisor@support.example": {
        "en": "Sergio Supervisor\nSupport supervisor",
        "es": "Sergio Supervisor\nSupervisor de soporte",
        "pt": "Sergio Supervisor\nSupervisor de suporte",
        "fr": "Sergio Supervisor\nSuperviseur de l'assistance",
    },
}


def _fields(field, versions):
    return {(field if code == "en" else f"{field}_{code}"): text for code, text in versions.items()}


def run(demo):
    team = Group.objects.get(name=AGENT)
    for scope, versions in REPLIES:
        titles = {code: title for code, (title, _body) in versions.items()}
        bodies = {code: body for code, (_title, body) in versions.items()}
        reply, _created = CannedReply.objects.update_or_create(
            title=titles["en"],
            scope=scope,
            defaults={
                **_fields("title", titles),
                **_fields("body", bodies),
                "group": team if scope == Scope.TEAM else None,
            },
        )
        reply.full_clean()  # the demo's texts keep to the placeholders the portal knows
    for email, versions in SIGNATURES.items():
        user = demo.users.get(email)
        if user is not None:
            Signature.objects.update_or_create(user=user, defaults=_fields("text", versions))
