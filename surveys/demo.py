"""Surveys and forms of `manage.py demo`, in each organisation's language.

- "Quarterly review": sent to every organisation's managers this quarter (the
  schedule's own sending), answered by Vale Telecom, Atelier Réseaux and
  Northwind IT; Andes Fibra's manager finds it waiting, with a draft begun.
- "How did we do?": the survey after a closed ticket, sent for Andes Fibra's
  closed "Nuevo usuario para el portal" and answered by its requester.
- "New site details": a data form on Andes Fibra's open ticket about the slow
  evenings, a client task of the ticket for its requester, due in a week.
Runs once (skipped when the quarterly form exists).
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from tickets.demo import SLOW_EVENINGS
from tickets.models import Ticket

from . import services
from .models import Audience, FollowUp, Form, FormKind, Question, QuestionType, Schedule, Trigger

QUARTERLY = "Quarterly review"


def _texts(en, es, pt, fr, field="label"):
    return {field: en, f"{field}_es": es, f"{field}_pt": pt, f"{field}_fr": fr}


def _option(value, en, es, pt, fr):
    return {"value": value, "en": en, "es": es, "pt": pt, "fr": fr}


def _questions(form, specs):
    version = services.version_for_editing(form=form, by=None)
    for order, (key, kind, texts, extra) in enumerate(specs):
        Question.objects.create(
            form_version=version, order=order, key=key, type=kind, **texts, **extra
        )


def _quarterly():
    form = Form.objects.create(
        kind=FormKind.SURVEY,
        shared_with_client=True,
        **_texts(
            QUARTERLY, "Revisión trimestral", "Revisão trimestral", "Bilan trimestriel", "title"
        ),
        **_texts(
            "Four questions about the last three months of service.",
            "Cuatro preguntas sobre los últimos tres meses de servicio.",
            "Quatro perguntas sobre os últimos três meses de serviço.",
            "Quatre questions sur les trois derniers mois de service.",
            "intro",
        ),
    )
    _questions(
        form,
        [
            (
                "nps",
                QuestionType.NPS,
                _texts(
                    "How likely are you to recommend us to a colleague?",
                    "¿Qué tan probable es que nos recomiende a un colega?",
                    "Qual a probabilidade de nos recomendar a um colega?",
                    "Quelle est la probabilité que vous nous recommandiez à un collègue ?",
                ),
                {"required": True},
            ),
            (
                "rating",
                QuestionType.RATING,
                _texts(
                    "How satisfied are you with our response times?",
                    "¿Qué tan satisfecho está con nuestros tiempos de respuesta?",
                    "Quão satisfeito está com nossos tempos de resposta?",
                    "Êtes-vous satisfait de nos délais de réponse ?",
                ),
                {"required": True},
            ),
            (
                "channel",
                QuestionType.SINGLE,
                _texts(
                    "How do you prefer to hear from us?",
                    "¿Cómo prefiere que lo contactemos?",
                    "Como prefere ser contatado?",
                    "Comment préférez-vous être contacté ?",
                ),
                {
                    "options": [
                        _option("portal", "The portal", "El portal", "O portal", "Le portail"),
                        _option("email", "E-mail", "Correo", "E-mail", "E-mail"),
                        _option("phone", "Phone", "Teléfono", "Telefone", "Téléphone"),
                    ]
                },
            ),
            (
                "improve",
                QuestionType.LONG_TEXT,
                _texts(
                    "What should we improve next quarter?",
                    "¿Qué deberíamos mejorar el próximo trimestre?",
                    "O que devemos melhorar no próximo trimestre?",
                    "Que devrions-nous améliorer au prochain trimestre ?",
                ),
                {},
            ),
        ],
    )
    return form


ANSWERS = {
    "vale-telecom": {
        "nps": 9,
        "rating": 4,
        "channel": "portal",
        "improve": "Relatórios mensais mais curtos.",
    },
    "atelier-reseaux": {
        "nps": 7,
        "rating": 3,
        "channel": "email",
        "improve": "Des réponses plus rapides le vendredi.",
    },
    "northwind-it": {
        "nps": 10,
        "rating": 5,
        "channel": "portal",
        "improve": "Keep the Wi-Fi reports coming.",
    },
}


def _after_closing():
    form = Form.objects.create(
        kind=FormKind.SURVEY,
        anonymous=True,
        **_texts(
            "How did we do?", "¿Cómo lo hicimos?", "Como nos saímos?", "Comment était-ce ?", "title"
        ),
    )
    _questions(
        form,
        [
            (
                "solved",
                QuestionType.YES_NO,
                _texts(
                    "Was your problem solved?",
                    "¿Se resolvió su problema?",
                    "Seu problema foi resolvido?",
                    "Votre problème est-il résolu ?",
                ),
                {"required": True},
            ),
            (
                "comment",
                QuestionType.LONG_TEXT,
                _texts(
                    "Anything to add?",
                    "¿Algo que agregar?",
                    "Algo a acrescentar?",
                    "Quelque chose à ajouter ?",
                ),
                {},
            ),
        ],
    )
    FollowUp.objects.create(form=form)
    return form


def _site_form():
    form = Form.objects.create(
        kind=FormKind.DATA,
        **_texts(
            "New site details",
            "Datos de la nueva sede",
            "Dados da nova unidade",
            "Détails du nouveau site",
            "title",
        ),
    )
    _questions(
        form,
        [
            (
                "address",
                QuestionType.SHORT_TEXT,
                _texts(
                    "Address of the site",
                    "Dirección de la sede",
                    "Endereço da unidade",
                    "Adresse du site",
                ),
                {"required": True},
            ),
            (
                "users",
                QuestionType.NUMBER,
                _texts(
                    "How many people will work there?",
                    "¿Cuántas personas trabajarán ahí?",
                    "Quantas pessoas trabalharão lá?",
                    "Combien de personnes y travailleront ?",
                ),
                {"minimum": 1, "maximum": 5000, "required": True},
            ),
            (
                "opening",
                QuestionType.DATE,
                _texts(
                    "Opening date",
                    "Fecha de apertura",
                    "Data de abertura",
                    "Date d'ouverture",
                ),
                {},
            ),
            (
                "plan",
                QuestionType.FILE,
                _texts(
                    "Floor plan",
                    "Plano de la planta",
                    "Planta baixa",
                    "Plan de l'étage",
                ),
                {},
            ),
        ],
    )
    return form


def run(demo):
    if Form.objects.filter(title=QUARTERLY).exists():
        return
    orgs = demo.organisations
    quarterly = _quarterly()
    schedule = Schedule.objects.create(form=quarterly, audience=Audience.MANAGERS, open_days=30)
    services.schedules_due()
    for slug, answers in ANSWERS.items():
        for sending in schedule.sendings.filter(organisation=orgs[slug]):
            for invitation in sending.invitations.all():
                services.submit(invitation=invitation, answers=answers)
    for sending in schedule.sendings.filter(organisation=orgs["andes-fibra"]):
        for invitation in sending.invitations.all():
            services.draft_save(invitation=invitation, answers={"nps": "8"})

    after = _after_closing()
    closed = Ticket.objects.filter(
        organisation=orgs["andes-fibra"], subject="Nuevo usuario para el portal"
    ).first()
    if closed is not None:
        sending = services.send(
            form=after,
            organisation=closed.organisation,
            audience=Audience.CHOSEN,
            chosen=[closed.requester],
            ticket=closed,
            trigger=Trigger.TICKET_CLOSED,
            closes_at=timezone.now() + timedelta(days=14),
        )
        for invitation in sending.invitations.all():
            services.submit(
                invitation=invitation, answers={"solved": True, "comment": "Muy rápido."}
            )

    slow = Ticket.objects.filter(organisation=orgs["andes-fibra"], subject=SLOW_EVENINGS).first()
    if slow is not None:
        services.send(
            form=_site_form(),
            organisation=slow.organisation,
            audience=Audience.CHOSEN,
            chosen=[slow.requester],
            ticket=slow,
            by=User.objects.filter(email="agent@support.example").first(),
            due_on=timezone.localdate() + timedelta(days=7),
        )
