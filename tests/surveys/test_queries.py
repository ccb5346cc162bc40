"""The surveys pages cost the same queries however many responses, questions or invitations.

Each page is read twice (the first warms what a running server keeps: sessions,
content types, translations) and the second read's queries are counted, with the
data small and then several times larger.
"""

import secrets
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.models import (
    Audience,
    Form,
    FormKind,
    FormVersion,
    Invitation,
    Question,
    QuestionType,
    Response,
    ResponseStatus,
    Sending,
)
from tests.factories import member_of
from tests.surveys.factories import EVERY_TYPE

# Every type but the file, with a condition, a section and options: cycled to any length.
TYPES = [spec for spec in EVERY_TYPE if spec["type"] != QuestionType.FILE]
ANSWERS = {
    "name": "Diego",
    "story": "Slow every evening.",
    "link": "fibre",
    "links": ["fibre", "radio"],
    "rating": 4,
    "nps": 9,
    "happy": False,
    "why": "Too slow",
    "since": "2026-11-02",
    "sites": 3,
    "email": "diego@andes.test",
}


def _queries(client, url) -> int:
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def _questions(count: int) -> list[dict]:
    """`count` questions of every type in turn, each key once, in four languages."""
    made = []
    for n in range(count):
        spec = dict(TYPES[n % len(TYPES)])
        round_ = n // len(TYPES)
        if round_:
            spec["key"] = f"{spec['key']}{round_}"
            if spec.get("condition_key"):
                spec["condition_key"] = f"{spec['condition_key']}{round_}"
        spec.update(label_es=f"{spec['label']} (es)", label_pt="", label_fr=f"{spec['label']} fr")
        made.append(spec)
    return made


def _version(form: Form, number: int, questions: list[dict]) -> FormVersion:
    version = FormVersion.objects.create(form=form, number=number)
    Question.objects.bulk_create(
        Question(form_version=version, order=order, **spec) for order, spec in enumerate(questions)
    )
    return version


def _responses(version, organisation, count: int, *, status=ResponseStatus.SUBMITTED) -> None:
    """`count` people of `organisation` answer one sending of `version`."""
    sending = Sending.objects.create(
        form=version.form, version=version, organisation=organisation, audience=Audience.CHOSEN
    )
    people = [member_of(organisation) for _ in range(count)]
    invitations = Invitation.objects.bulk_create(
        Invitation(sending=sending, user=person, token=secrets.token_hex(16)) for person in people
    )
    now = timezone.now()
    Response.objects.bulk_create(
        Response(
            invitation=invitation,
            version=version,
            status=status,
            answers={**ANSWERS, "nps": n % 11, "rating": 1 + n % 5},
            submitted_at=now if status == ResponseStatus.SUBMITTED else None,
        )
        for n, invitation in enumerate(invitations)
    )


def test_results_page_costs_the_same_for_ten_or_a_hundred_responses(world, client_for):
    form = Form.objects.create(title="Quarterly review", kind=FormKind.SURVEY)
    first = _version(form, 1, TYPES)
    second = _version(form, 2, [*TYPES[1:], {**TYPES[0], "key": "nickname"}])
    for version, organisation in ((first, world.org), (second, world.other_org)):
        _responses(version, organisation, 5)
    _responses(second, world.org, 2, status=ResponseStatus.DRAFT)
    url = reverse("admin:surveys_form_results", args=[form.pk])
    staff = client_for(world.supervisor)
    few = _queries(staff, url)
    filtered = _queries(staff, f"{url}?organisation={world.org.pk}&version={second.pk}")

    third = _version(form, 3, _questions(15))
    for version in (first, second, third):
        for organisation in (world.org, world.other_org):
            _responses(version, organisation, 15)
    assert Response.objects.filter(version__form=form, status="submitted").count() == 100
    assert _queries(staff, url) == few
    assert _queries(staff, f"{url}?organisation={world.org.pk}&version={second.pk}") == filtered


@pytest.mark.parametrize("submitted", [False, True], ids=["with a draft", "sent"])
def test_answer_page_costs_the_same_for_five_or_fifteen_questions(world, client_for, submitted):
    def page(count: int) -> int:
        form = Form.objects.create(title=f"Form of {count}", kind=FormKind.SURVEY)
        version = _version(form, 1, _questions(count))
        sending = services.send(form=form, organisation=world.org, audience=Audience.EVERYONE)
        invitation = sending.invitations.get(user=world.member)
        assert sending.version == version
        Response.objects.create(
            invitation=invitation,
            version=version,
            status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
            answers=ANSWERS,
            submitted_at=timezone.now() if submitted else None,
        )
        client = client_for(world.member)
        queries = _queries(client, invitation.get_absolute_url())
        shown = client.get(invitation.get_absolute_url()).content.decode()
        if submitted:
            assert "Your answers" in shown and 'name="q_' not in shown
        else:  # every question is asked
            assert (
                shown.count('class="field survey-question')
                == version.questions.exclude(type=QuestionType.SECTION).count()
            )
        return queries

    assert page(5) == page(15)


def test_list_costs_the_same_for_two_or_twenty_invitations(world, client_for):
    forms = [
        Form.objects.create(title=f"Form {n}", kind=FormKind.SURVEY, shared_with_client=n % 2 == 0)
        for n in range(4)
    ]
    for form in forms:
        _version(form, 1, TYPES[:3])
    ahead = timezone.now() + timedelta(days=7)

    def invite(count: int) -> None:
        for n in range(count):
            sending = services.send(
                form=forms[n % len(forms)],
                organisation=world.org,
                audience=Audience.MANAGERS,
                due_on=ahead.date(),
            )
            invitation = sending.invitations.get(user=world.manager)
            if n % 4 < 2:  # a draft, then one sent, then one untouched, then one closed
                sent = n % 4 == 1
                Response.objects.create(
                    invitation=invitation,
                    version=sending.version,
                    status=ResponseStatus.SUBMITTED if sent else ResponseStatus.DRAFT,
                    answers={"name": "Camila"},
                    submitted_at=timezone.now() if sent else None,
                )
            if n % 4 == 3:
                Sending.objects.filter(pk=sending.pk).update(closed_at=timezone.now())

    tabs = [reverse("surveys:list") + f"?tab={tab}" for tab in ("waiting", "answered", "closed")]
    manager = client_for(world.manager)
    invite(2)
    few = [_queries(manager, url) for url in tabs]
    invite(18)
    assert Invitation.objects.filter(user=world.manager).count() == 20
    assert [_queries(manager, url) for url in tabs] == few
