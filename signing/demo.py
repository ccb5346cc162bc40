"""The signing part of `manage.py demo`, in each organisation's language.

Andes Fibra (Spanish) and Vale Telecom (Portuguese) each have: a document waiting
for the member's signature (composed from the delivery-report template), one
waiting for the manager after the member signed (in order), one signed by both and
sealed (a real PAdES-sealed PDF), and one the manager declined. Everything goes
through signing.services at the moment it happened (core.demo.dated).

Development gets a self-signed demo seal at SIGNING_PKCS12_PATH when none is
there; without any configured seal (production) the step leaves signing out.
"""

import io
import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.demo import dated

from . import services
from .models import Document, DocumentTemplate
from .pdf.seal import ensure_demo_certificate

AGENT = "agent@support.example"

TEMPLATE = {
    "name": "Delivery report",
    "title": "Service delivery report",
    "title_es": "Acta de entrega de servicio",
    "title_pt": "Termo de entrega de serviço",
    "title_fr": "Procès-verbal de livraison",
    "body": (
        "<h1>{{ document.title }}</h1>"
        "<p>{{ organisation.name }} confirms that the service described below was delivered "
        "and tested on {{ today }}{% if contract.name %}, under contract "
        "{{ contract.name }}{% endif %}.</p>"
        "<table><tr><th>Document</th><td>{{ document.number }}</td></tr>"
        "<tr><th>Ticket</th><td>{{ ticket.number }} {{ ticket.subject }}</td></tr>"
        "<tr><th>Signers</th><td>{{ signers }}</td></tr></table>"
        "<h2>Acceptance</h2><p>The client has checked the installation and accepts it as "
        "delivered. Faults found later are handled as tickets under the contract.</p>"
    ),
    "body_es": (
        "<h1>{{ document.title }}</h1>"
        "<p>{{ organisation.name }} confirma que el servicio descrito a continuación fue "
        "entregado y probado el {{ today }}{% if contract.name %}, en el marco "
        "del contrato {{ contract.name }}{% endif %}.</p>"
        "<table><tr><th>Documento</th><td>{{ document.number }}</td></tr>"
        "<tr><th>Ticket</th><td>{{ ticket.number }} {{ ticket.subject }}</td></tr>"
        "<tr><th>Firmantes</th><td>{{ signers }}</td></tr></table>"
        "<h2>Aceptación</h2><p>El cliente revisó la instalación y la acepta como entregada. "
        "Las fallas detectadas después se atienden como tickets bajo el contrato.</p>"
    ),
    "body_pt": (
        "<h1>{{ document.title }}</h1>"
        "<p>{{ organisation.name }} confirma que o serviço descrito abaixo foi entregue e "
        "testado em {{ today }}{% if contract.name %}, no âmbito "
        "do contrato {{ contract.name }}{% endif %}.</p>"
        "<table><tr><th>Documento</th><td>{{ document.number }}</td></tr>"
        "<tr><th>Chamado</th><td>{{ ticket.number }} {{ ticket.subject }}</td></tr>"
        "<tr><th>Signatários</th><td>{{ signers }}</td></tr></table>"
        "<h2>Aceite</h2><p>O cliente verificou a instalação e a aceita como entregue. "
        "Falhas encontradas depois são tratadas como chamados no contrato.</p>"
    ),
    "body_fr": (
        "<h1>{{ document.title }}</h1>"
        "<p>{{ organisation.name }} confirme que le service décrit ci-dessous a été livré et "
        "testé le {{ today }}{% if contract.name %}, dans le "
        "cadre du contrat {{ contract.name }}{% endif %}.</p>"
        "<table><tr><th>Document</th><td>{{ document.number }}</td></tr>"
        "<tr><th>Ticket</th><td>{{ ticket.number }} {{ ticket.subject }}</td></tr>"
        "<tr><th>Signataires</th><td>{{ signers }}</td></tr></table>"
        "<h2>Acceptation</h2><p>Le client a vérifié l'installation et l'accepte telle que "
        "livrée. Les défauts constatés ensuite sont traités comme tickets du contrat.</p>"
    ),
}

# slug: (language, member, manager, titles, message, decline reason)
STORIES = {
    "andes-fibra": (
        "es",
        "member@andes.example",
        "manager@andes.example",
        {
            "pending": "Acta de entrega: enlace de fibra Valparaíso",
            "in_order": "Autorización de cambio: ventana de mantención de marzo",
            "signed": "Acuerdo de nivel de servicio 2026",
            "declined": "Anexo de precios: horas adicionales",
        },
        "Hola, les enviamos el documento para su firma. Cualquier duda, respondan en el ticket.",
        "El precio por hora no coincide con lo conversado en la reunión del lunes.",
    ),
    "vale-telecom": (
        "pt",
        "member@vale.example",
        "manager@vale.example",
        {
            "pending": "Termo de entrega: link de fibra Campinas",
            "in_order": "Autorização de mudança: janela de manutenção de março",
            "signed": "Acordo de nível de serviço 2026",
            "declined": "Anexo de preços: horas adicionais",
        },
        "Olá, segue o documento para assinatura. Qualquer dúvida, respondam no chamado.",
        "O valor da hora não corresponde ao combinado na reunião de segunda-feira.",
    ),
}


def _drawn_signature(seed: int) -> bytes:
    """A pen stroke that looks like a signature, as the pad in the browser would send it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (40 + x * 5, 110 + 38 * math.sin(x / (6 + seed)) * math.cos(x / 17) - x * 0.3)
        for x in range(0, 104)
    ]
    draw.line(points, fill=(11, 31, 68, 255), width=4, joint="curve")
    draw.line([(60, 160), (520, 150)], fill=(11, 31, 68, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _template():
    template, _created = DocumentTemplate.objects.get_or_create(
        name=TEMPLATE["name"], defaults={k: v for k, v in TEMPLATE.items() if k != "name"}
    )
    return template


def run(demo):
    path = settings.SIGNING_PKCS12_PATH
    if not path:
        return  # no seal configured: production refuses to send for signature
    ensure_demo_certificate(path, settings.SIGNING_PKCS12_PASSPHRASE)
    template = _template()
    agent = demo.users.get(AGENT)
    now = timezone.now()
    for slug, story in STORIES.items():
        organisation = demo.organisations.get(slug)
        if organisation is None or Document.objects.filter(organisation=organisation).exists():
            continue
        _tell(organisation, demo.users, agent, template, now, story, demo.password)


def _create(organisation, agent, template, title, language, signers, message, due, in_order=True):
    ticket = organisation.tickets.order_by("created_at").first()
    return services.document_create(
        organisation=organisation,
        title=title,
        language=language,
        by=agent,
        due_at=due,
        signers=signers,
        template=template,
        in_order=in_order,
        message=message,
        ticket=ticket,
    )


def _sign(document, user, password, seed):
    return services.document_sign(
        document=document,
        user=user,
        password=password,
        consented=True,
        typed_name=user.display_name,
        signature_png=_drawn_signature(seed),
        time_zone=user.timezone,
        client=services.Client(ip="203.0.113.24", user_agent="Mozilla/5.0 (demo) Firefox/133.0"),
    )


def _tell(organisation, users, agent, template, now, story, password):
    language, member_email, manager_email, titles, message, reason = story
    member, manager = users[member_email], users[manager_email]

    def ago(hours):
        return now - timedelta(hours=hours)

    # Signed by both, in order, and sealed.
    with dated(ago(24 * 20)):
        signed = _create(
            organisation,
            agent,
            template,
            titles["signed"],
            language,
            [member, manager],
            message,
            now + timedelta(days=30),
        )
        services.document_send(document=signed, by=agent)
    with dated(ago(24 * 19)):
        services.document_viewed(document=signed, user=member)
        _sign(signed, member, password, 1)
    with dated(ago(24 * 18)):
        services.document_viewed(document=signed, user=manager)
        _sign(signed, manager, password, 3)
        services.document_seal(document_id=signed.pk)
    # Declined by the manager.
    with dated(ago(24 * 6)):
        declined = _create(
            organisation,
            agent,
            template,
            titles["declined"],
            language,
            [manager],
            message,
            now + timedelta(days=10),
        )
        services.document_send(document=declined, by=agent)
    with dated(ago(24 * 5)):
        services.document_viewed(document=declined, user=manager)
        services.document_decline(document=declined, user=manager, reason=reason)
    # In order: the member signed, the manager's turn.
    with dated(ago(30)):
        in_order = _create(
            organisation,
            agent,
            template,
            titles["in_order"],
            language,
            [member, manager],
            message,
            now + timedelta(days=4),
        )
        services.document_send(document=in_order, by=agent)
    with dated(ago(20)):
        services.document_viewed(document=in_order, user=member)
        _sign(in_order, member, password, 2)
    # Waiting for the member (and, at the same time, a colleague).
    with dated(ago(3)):
        pending = _create(
            organisation,
            agent,
            template,
            titles["pending"],
            language,
            [member],
            message,
            now + timedelta(days=2),
            in_order=False,
        )
        services.document_send(document=pending, by=agent)
