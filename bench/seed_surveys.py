"""The bench's survey: one form, BENCH_SURVEY_RESPONSES (default 10,000) answers to it.

The form (FORM_TITLE) has every question type but the file, its texts and options
in the four languages, a section break and a question asked only when an answer
is "no". It has two versions: the second reorders the questions, offers one more
option and asks one more question, as staff leave a form they changed after the
first answers (services.version_for_editing), so its results read across versions.

It was sent in rounds, a month apart: each round one sending per bench organisation
to every member, the first V1_ROUNDS of the first version and the rest of the
second; each round closed three weeks after it was sent. About ANSWER_RATE of those
asked answered (NPS and ratings skewed to the good side and agreeing with each
other, the services they have, how they reach us, some words), a few left a draft.
Then one open sending to bench-0, where its member persona has a draft (the answer
page) and some colleagues have already answered. A supervisor persona built the
form and sent it (the staff results page is read as them). No activity events or
notifications are written.

Invitations and responses are written with COPY in one transaction under an advisory
lock, like the other seeds (bench/seed_inventory.py); a later run sends more rounds
until the submitted answers reach BENCH_SURVEY_RESPONSES, or skips when they are there.
"""

import json
import os
import random
import secrets
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench.copyload import CopyLoader

RESPONSES = int(os.environ.get("BENCH_SURVEY_RESPONSES", "10000"))
CHUNK = 5_000  # invitations generated and copied at a time
FORM_TITLE = "Bench satisfaction survey"
V1_ROUNDS = 4  # the rounds sent before the form changed
ANSWER_RATE = 0.6  # of the people asked in a round, those who answered
DRAFT_RATE = 0.05  # those who began and never sent
ROUND_DAYS = 30
OPEN_ANSWERED = 8  # bench-0 colleagues who already answered the open sending

INVITATION_COLUMNS = ["id", "sending_id", "user_id", "token", "created_at"]
RESPONSE_COLUMNS = [
    "id",
    "invitation_id",
    "version_id",
    "status",
    "answers",
    "started_at",
    "updated_at",
    "submitted_at",
]
LOADED_TABLES = ["surveys_invitation", "surveys_response"]


def _option(value, en, es, pt, fr) -> dict:
    return {"value": value, "en": en, "es": es, "pt": pt, "fr": fr}


SERVICES = [
    _option("fibre", "Fibre", "Fibra óptica", "Fibra óptica", "Fibre optique"),
    _option("radio", "Radio link", "Radioenlace", "Rádio", "Faisceau hertzien"),
    _option("copper", "Copper line", "Línea de cobre", "Linha de cobre", "Ligne cuivre"),
    _option("cloud", "Cloud servers", "Servidores en la nube", "Servidores na nuvem", "Cloud"),
]
SATELLITE = _option("satellite", "Satellite", "Satelital", "Satélite", "Satellite")
CHANNELS = [
    _option("portal", "The portal", "El portal", "O portal", "Le portail"),
    _option("email", "E-mail", "Correo", "E-mail", "Courriel"),
    _option("phone", "Phone", "Teléfono", "Telefone", "Téléphone"),
    _option("whatsapp", "WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp"),
]


def _texts(field, en, es, pt, fr) -> dict:
    return {field: en, f"{field}_es": es, f"{field}_pt": pt, f"{field}_fr": fr}


QUESTIONS = {
    "about": {
        "type": "section",
        **_texts(
            "label", "About the service", "Sobre el servicio", "Sobre o serviço", "Le service"
        ),
    },
    "nps": {
        "type": "nps",
        "required": True,
        **_texts(
            "label",
            "How likely are you to recommend us to a colleague?",
            "¿Qué tan probable es que nos recomiende a un colega?",
            "Qual a probabilidade de nos recomendar a um colega?",
            "Quelle est la probabilité que vous nous recommandiez à un collègue ?",
        ),
    },
    "rating": {
        "type": "rating",
        "required": True,
        **_texts(
            "label",
            "How did we do this quarter?",
            "¿Cómo lo hicimos este trimestre?",
            "Como nos saímos neste trimestre?",
            "Comment avons-nous travaillé ce trimestre ?",
        ),
    },
    "service": {
        "type": "single",
        "options": SERVICES,
        **_texts(
            "label",
            "Your main service",
            "Su servicio principal",
            "Seu serviço principal",
            "Votre service principal",
        ),
    },
    "channels": {
        "type": "multiple",
        "options": CHANNELS,
        **_texts(
            "label",
            "How do you reach us?",
            "¿Cómo nos contacta?",
            "Como nos contata?",
            "Comment nous joignez-vous ?",
        ),
    },
    "renew": {
        "type": "yes_no",
        **_texts(
            "label",
            "Would you renew your contract?",
            "¿Renovaría su contrato?",
            "Renovaria seu contrato?",
            "Renouvelleriez-vous votre contrat ?",
        ),
    },
    "why": {
        "type": "long_text",
        "condition_key": "renew",
        "condition_value": "no",
        **_texts("label", "Why not?", "¿Por qué no?", "Por que não?", "Pourquoi ?"),
    },
    "sites": {
        "type": "number",
        "minimum": 1,
        "maximum": 500,
        **_texts(
            "label", "How many sites?", "¿Cuántas sedes?", "Quantas unidades?", "Combien de sites ?"
        ),
    },
    "since": {
        "type": "date",
        **_texts("label", "Client since", "Cliente desde", "Cliente desde", "Client depuis le"),
    },
    "role": {
        "type": "short_text",
        **_texts("label", "Your role", "Su cargo", "Seu cargo", "Votre fonction"),
    },
    "contact": {
        "type": "email",
        **_texts(
            "label",
            "Where may we reach you about your answers?",
            "¿Dónde podemos contactarle sobre sus respuestas?",
            "Onde podemos contatá-lo sobre suas respostas?",
            "Où vous joindre au sujet de vos réponses ?",
        ),
        **_texts(
            "help_text",
            "Leave it empty to stay unnamed.",
            "Déjelo vacío para no ser contactado.",
            "Deixe vazio para não ser contatado.",
            "Laissez vide pour ne pas être contacté.",
        ),
    },
    "improve": {
        "type": "long_text",
        **_texts(
            "label",
            "What should we improve?",
            "¿Qué deberíamos mejorar?",
            "O que devemos melhorar?",
            "Que devrions-nous améliorer ?",
        ),
    },
}
# The second version: asks how much first, offers satellite, adds "improve".
VERSIONS = [
    [
        "about",
        "nps",
        "rating",
        "service",
        "channels",
        "renew",
        "why",
        "sites",
        "since",
        "role",
        "contact",
    ],
    [
        "rating",
        "nps",
        "about",
        "service",
        "channels",
        "sites",
        "since",
        "renew",
        "why",
        "improve",
        "role",
        "contact",
    ],
]

NPS_WEIGHTS = [2, 1, 1, 2, 2, 4, 5, 9, 16, 24, 34]  # 0..10: mostly promoters, a detractor tail
ROLES = ["Gerente TI", "IT manager", "Administración", "Gerente de operações", "DSI", "Soporte"]
WHY = [
    "Los cortes del último mes.",
    "The price went up twice this year.",
    "Demoran mucho en responder los tickets.",
    "Estamos avaliando outro fornecedor.",
    "Trop de coupures le soir.",
]
IMPROVE = [
    "Avisar antes de los mantenimientos.",
    "Faster answers on weekends.",
    "Más técnicos en regiones.",
    "Um relatório mensal de disponibilidade.",
    "Un seul interlocuteur pour nos sites.",
    "Nothing, keep it up.",
]


def bench_form():
    from surveys.models import Form

    return Form.objects.filter(title=FORM_TITLE).order_by("pk").first()


def bench_responses():
    """The bench form's submitted responses."""
    from surveys.models import Response

    return Response.objects.filter(version__form__title=FORM_TITLE, status="submitted")


def waiting_invitation(member):
    """The member's invitation to the open sending, where their draft waits."""
    from surveys.models import Invitation

    return (
        Invitation.objects.filter(
            user=member, sending__form__title=FORM_TITLE, sending__closed_at=None
        )
        .order_by("-pk")
        .first()
    )


def supervisor():
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import SUPERVISOR

    user, _ = User.objects.get_or_create(
        email="supervisor@bench.test",
        defaults={
            "display_name": "Supervisor",
            "is_staff": True,
            "language": "en",
            "timezone": "America/Santiago",
            "password": "!",
        },
    )
    user.groups.add(Group.objects.get(name=SUPERVISOR))
    return user


def seed(target: int | None = None) -> bool:
    """Top the bench form's answers up to `target` (BENCH_SURVEY_RESPONSES); False when there."""
    target = RESPONSES if target is None else target
    if bench_responses().count() >= target and bench_form() is not None:
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two `make bench` at once must not both load.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.surveys'))")
        missing = target - bench_responses().count()
        if missing <= 0:
            return False
        by = supervisor()
        _Loader(_form(by), by).load(missing)
    return True


def _form(by):
    """The form and its two versions, made once."""
    from surveys.models import Form, FormVersion, Question

    form = bench_form()
    if form is not None:
        return form
    form = Form.objects.create(
        kind="survey",
        shared_with_client=True,
        **_texts(
            "title",
            FORM_TITLE,
            "Encuesta de satisfacción",
            "Pesquisa de satisfação",
            "Enquête de satisfaction",
        ),
        **_texts(
            "intro",
            "Five minutes to tell us how we do.",
            "Cinco minutos para contarnos cómo lo hacemos.",
            "Cinco minutos para nos dizer como estamos.",
            "Cinq minutes pour nous dire comment nous travaillons.",
        ),
    )
    for number, keys in enumerate(VERSIONS, start=1):
        version = FormVersion.objects.create(form=form, number=number, created_by=by)
        questions = []
        for order, key in enumerate(keys):
            spec = dict(QUESTIONS[key])
            if key == "service" and number > 1:
                spec["options"] = [*SERVICES, SATELLITE]
            questions.append(Question(form_version=version, order=order, key=key, **spec))
        Question.objects.bulk_create(questions)
    return form


def _organisations() -> list[int]:
    from accounts.models import Organisation

    return list(
        Organisation.objects.filter(slug__startswith="bench-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class _Loader(CopyLoader):
    """Sends rounds of the form and COPYs in who was asked and what they answered."""

    tables = LOADED_TABLES

    def __init__(self, form, by):
        from accounts.models import Membership

        self.now = timezone.now()
        self.form, self.by = form, by
        self.versions = list(form.versions.order_by("number"))
        self.orgs = _organisations()
        self.members: dict[int, list[int]] = {org: [] for org in self.orgs}
        for org, user in (
            Membership.objects.filter(organisation__in=self.orgs, is_active=True)
            .order_by("pk")
            .values_list("organisation_id", "user_id")
        ):
            self.members[org].append(user)
        self.persona = (
            Membership.objects.filter(organisation__slug="bench-0", role="member")
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        self.bench0 = self.orgs[0] if self.orgs else None
        self.rounds = form.sendings.exclude(closed_at=None).values("created_at").distinct().count()
        # A top-up draws other people and answers than the rounds already there.
        self.rng = random.Random(20260606 + self.rounds)

    def load(self, missing: int):
        from bench.seed import _other_columns
        from surveys.models import Invitation, Response

        self.columns = {
            model._meta.db_table: (names, _other_columns(model, names))
            for model, names in ((Invitation, INVITATION_COLUMNS), (Response, RESPONSE_COLUMNS))
        }
        with connection.cursor() as cursor:
            self._open(cursor)
            self.rows = {table: [] for table in LOADED_TABLES}
            if not self.form.sendings.filter(closed_at=None).exists():
                missing -= self._open_sending(cursor)
            while missing > 0:
                missing -= self._round(cursor, missing)
            self._flush(cursor)
            self._close(cursor)

    def _flush(self, cursor):
        self._copy(cursor, self.rows)
        self.rows = {table: [] for table in LOADED_TABLES}

    def _sendings(self, version, orgs, sent_at, **fields) -> list:
        from surveys.models import Sending

        return Sending.objects.bulk_create(
            Sending(
                form=self.form,
                version=version,
                organisation_id=org,
                audience="everyone",
                created_by=self.by,
                created_at=sent_at,
                **fields,
            )
            for org in orgs
        )

    def _round(self, cursor, missing: int) -> int:
        """One round to every bench organisation; the answers it adds (at most `missing`)."""
        k = self.rounds
        self.rounds += 1
        version = self.versions[0 if k < V1_ROUNDS else -1]
        # Rounds counted back from now: a top-up's rounds go further back in time.
        sent_at = self.now - timedelta(days=ROUND_DAYS * (k + 2))
        closes = sent_at + timedelta(days=21)
        sendings = self._sendings(
            version,
            self.orgs,
            sent_at,
            due_on=(sent_at + timedelta(days=14)).date(),
            closes_at=closes,
            closed_at=closes,
        )
        answered = 0
        for sending in sendings:
            for user in self.members[sending.organisation_id]:
                draw = self.rng.random()
                status = None
                if draw < ANSWER_RATE and answered < missing:
                    status = "submitted"
                    answered += 1
                elif draw > 1 - DRAFT_RATE:
                    status = "draft"
                self._invite(sending, version, user, sent_at, closes, status)
            if len(self.rows["surveys_invitation"]) >= CHUNK:
                self._flush(cursor)
        return answered

    def _open_sending(self, cursor) -> int:
        """The one still open, to bench-0: the persona's draft, some colleagues' answers."""
        version = self.versions[-1]
        sent_at = self.now - timedelta(days=3)
        closes = self.now + timedelta(days=25)
        (sending,) = self._sendings(
            version,
            [self.bench0],
            sent_at,
            due_on=(self.now + timedelta(days=11)).date(),
            closes_at=closes,
        )
        answered = 0
        for user in self.members[self.bench0]:
            status = None
            if user == self.persona:
                status = "draft"
            elif answered < OPEN_ANSWERED and self.rng.random() < 0.5:
                status, answered = "submitted", answered + 1
            self._invite(sending, version, user, sent_at, self.now, status)
        return answered

    def _invite(self, sending, version, user, sent_at, until, status):
        invitation = self._id("surveys_invitation")
        self.rows["surveys_invitation"].append(
            (invitation, sending.pk, user, secrets.token_hex(16), sent_at)
        )
        if status is None:
            return
        started = sent_at + (until - sent_at) * self.rng.random() ** 2  # most answer early
        if user == self.persona and status == "draft":
            answers = {"rating": 4, "nps": 8, "service": "fibre", "channels": ["portal", "email"]}
        else:
            answers = self._answers(version.number)
            if status == "draft":  # the first few questions only, unchecked
                answers = dict(list(answers.items())[: self.rng.randint(1, 3)])
        updated = started + timedelta(minutes=self.rng.randint(1, 12))
        self.rows["surveys_response"].append(
            (
                self._id("surveys_response"),
                invitation,
                version.pk,
                status,
                json.dumps(answers),
                started,
                updated,
                updated if status == "submitted" else None,
            )
        )

    def _answers(self, number: int) -> dict:
        """What one person answered, as forms.AnswerForm stores it."""
        rng = self.rng
        nps = rng.choices(range(11), NPS_WEIGHTS)[0]
        rating = max(1, min(5, round(nps / 2.2) + rng.choice((-1, 0, 0, 1))))
        services = [o["value"] for o in (SERVICES if number == 1 else [*SERVICES, SATELLITE])]
        answers = {
            "nps": nps,
            "rating": rating,
            "service": rng.choices(services, [50, 25, 10, 12, 3][: len(services)])[0],
            "channels": rng.sample([o["value"] for o in CHANNELS], rng.randint(1, 3)),
        }
        if rng.random() < 0.9:
            renew = nps >= 6 or rng.random() < 0.3
            answers["renew"] = renew
            if not renew and rng.random() < 0.7:
                answers["why"] = rng.choice(WHY)
        if rng.random() < 0.7:
            answers["sites"] = rng.choice([1, 1, 2, 3, 5, 8, 12, 40])
        if rng.random() < 0.4:
            answers["since"] = (self.now - timedelta(days=rng.randint(60, 3650))).date().isoformat()
        if rng.random() < 0.5:
            answers["role"] = rng.choice(ROLES)
        if rng.random() < 0.15:
            answers["contact"] = f"contact{rng.randrange(10**5)}@bench.test"
        if number > 1 and rng.random() < 0.3:
            answers["improve"] = rng.choice(IMPROVE)
        return answers
