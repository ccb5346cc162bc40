"""The staff's admin: building versioned forms, previewing them, sending them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys import services
from surveys.admin.options import format_options, parse_options
from surveys.models import Audience, Form, FormKind, Question, QuestionType, Sending

OPTIONS = [
    {"value": "fibre", "en": "Fibre", "es": "Fibra", "pt": "Fibra", "fr": "Fibre"},
    {"value": "radio", "en": "Radio link", "es": "Radioenlace", "pt": "Rádio", "fr": "Faisceau"},
]


def _form(*questions, **fields):
    """A form whose first version holds `questions` (dicts of Question fields), in order."""
    fields.setdefault("kind", FormKind.SURVEY)
    form = Form.objects.create(title="Quarterly review", title_es="Revisión trimestral", **fields)
    version = services.version_for_editing(form=form, by=None)
    for order, spec in enumerate(questions):
        Question.objects.create(form_version=version, order=order, **spec)
    return form


@pytest.fixture
def survey(db):
    return _form(
        {
            "key": "link",
            "type": QuestionType.SINGLE,
            "label": "Which link?",
            "label_es": "¿Qué enlace?",
            "options": OPTIONS,
            "required": True,
        },
        {"key": "happy", "type": QuestionType.YES_NO, "label": "Happy?", "label_es": "¿Contento?"},
    )


def _answer(world, form, person=None):
    sending = services.send(form=form, organisation=world.org, audience=Audience.EVERYONE)
    invitation = sending.invitations.get(user=person or world.member)
    services.submit(invitation=invitation, answers={"link": "fibre"})
    return sending


def _version_url(version):
    return reverse("admin:surveys_formversion_change", args=[version.pk])


def _question_data(index, question=None, **fields):
    """One question's fields as the inline posts them (`question`: an existing one)."""
    values = {
        "id": question.pk if question else "",
        "order": question.order if question else index,
        "key": question.key if question else "",
        "type": question.type if question else "",
        "label": question.label if question else "",
        "options_text": format_options(question.options) if question else "",
        "condition_key": question.condition_key if question else "",
        "condition_value": question.condition_value if question else "",
    }
    if question is not None and question.required:
        values["required"] = "on"
    values.update(fields)
    return {f"questions-{index}-{name}": value for name, value in values.items() if value != ""}


def _version_data(version, *new, **changes):
    """The version page's post: its questions as they are (changes by index), then `new`."""
    existing = list(version.questions.order_by("order", "pk"))
    data = {
        "questions-TOTAL_FORMS": str(len(existing) + len(new)),
        "questions-INITIAL_FORMS": str(len(existing)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, question in enumerate(existing):
        data.update(_question_data(index, question, **changes.get(f"q{index}", {})))
        data[f"questions-{index}-form_version"] = version.pk
    for offset, fields in enumerate(new, start=len(existing)):
        data.update(_question_data(offset, **fields))
        data[f"questions-{offset}-form_version"] = version.pk
    return data


def _errors(response):
    """{(form index, field): messages} of the questions inline."""
    assert response.status_code == 200, response.status_code
    formset = response.context["inline_admin_formsets"][0].formset
    return {
        (index, field): " ".join(messages)
        for index, form in enumerate(formset.forms)
        for field, messages in form.errors.items()
    }


# Versions ---------------------------------------------------------------------------------


def test_editing_an_answered_version_makes_a_new_one_and_keeps_the_old(world, survey, client_for):
    _answer(world, survey)
    first = services.current_version(survey)
    client = client_for(world.supervisor)

    response = client.post(reverse("admin:surveys_form_edit_questions", args=[survey.pk]))

    second = services.current_version(survey)
    assert second.number == 2 and response.url == _version_url(second)
    assert list(second.questions.values_list("key", flat=True)) == ["link", "happy"]
    response = client.post(
        _version_url(second), _version_data(second, q0={"label": "Which link now?"})
    )
    assert response.status_code == 302
    assert second.questions.get(key="link").label == "Which link now?"
    assert first.questions.get(key="link").label == "Which link?"
    # The answered version's page says why it is read-only and saves nothing.
    page = client.get(_version_url(first)).content.decode()
    assert "This version has answers" in page and "radio | Radio link | Radioenlace" in page
    client.post(_version_url(first), _version_data(first, q0={"label": "Changed"}))
    assert first.questions.get(key="link").label == "Which link?"


def test_editing_an_unanswered_version_keeps_it(world, survey, client_for):
    first = services.current_version(survey)
    response = client_for(world.supervisor).post(
        reverse("admin:surveys_form_edit_questions", args=[survey.pk])
    )
    assert response.url == _version_url(first)
    assert survey.versions.count() == 1


def test_an_agent_cannot_change_forms_or_their_questions(world, survey, client_for):
    client = client_for(world.agent)
    version = services.current_version(survey)
    edit = client.post(reverse("admin:surveys_form_edit_questions", args=[survey.pk]))
    assert edit.status_code == 403
    assert survey.versions.count() == 1
    client.post(_version_url(version), _version_data(version, q0={"label": "Hacked"}))
    assert version.questions.get(key="link").label == "Which link?"
    change = client.post(
        reverse("admin:surveys_form_change", args=[survey.pk]), {"kind": "survey", "title": "X"}
    )
    assert change.status_code == 403
    survey.refresh_from_db()
    assert survey.title == "Quarterly review"
    # They may still look, and preview.
    preview = reverse("admin:surveys_formversion_preview", args=[version.pk])
    assert client.get(preview).status_code == 200


def test_an_answered_form_stays_anonymous(world, client_for):
    form = _form({"key": "name", "type": QuestionType.SHORT_TEXT, "label": "Name"}, anonymous=True)
    _answer(world, form)
    response = client_for(world.supervisor).post(
        reverse("admin:surveys_form_change", args=[form.pk]),
        {"kind": "survey", "title": "Quarterly review", "title_es": "Revisión trimestral"},
    )
    assert "anonymous" in response.context["adminform"].form.errors
    form.refresh_from_db()
    assert form.anonymous


def test_the_form_page_lists_its_versions_and_leads_to_the_questions(world, survey, client_for):
    _answer(world, survey)
    services.version_for_editing(form=survey, by=world.supervisor)
    url = reverse("admin:surveys_form_change", args=[survey.pk])
    page = client_for(world.supervisor).get(url).content.decode()
    first, second = survey.versions.order_by("number")
    assert _version_url(first) in page and _version_url(second) in page
    assert "frozen: it has answers" in page and "editable" in page
    assert "Edit the questions" in page
    assert reverse("admin:surveys_formversion_preview", args=[second.pk]) in page
    assert "Edit the questions" not in client_for(world.agent).get(url).content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "surveys_form_changelist",
        "surveys_form_add",
        "surveys_formversion_changelist",
        "surveys_sending_changelist",
        "surveys_sending_add",
        "surveys_followup_changelist",
        "surveys_followup_add",
        "surveys_schedule_changelist",
        "surveys_schedule_add",
    ],
)
def test_the_pages_open_for_a_supervisor(world, survey, client_for, name):
    assert client_for(world.supervisor).get(reverse(f"admin:{name}")).status_code == 200


# Options ----------------------------------------------------------------------------------


def test_options_round_trip_through_their_text():
    text = format_options(OPTIONS)
    assert text.splitlines()[1] == "radio | Radio link | Radioenlace | Rádio | Faisceau"
    assert parse_options(text) == OPTIONS
    partial = parse_options("yes_please | Yes please | | Sim\n\n")
    assert partial == [{"value": "yes_please", "en": "Yes please", "es": "", "pt": "Sim", "fr": ""}]
    assert format_options(partial) == "yes_please | Yes please |  | Sim"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a | A | B | C | D | E", "Line 1 has more than five parts"),
        ("a | A\n | Only text", "Line 2 needs a value and its English text"),
        ("a | A\nb", "Line 2 needs a value"),
        ("no spaces please | A", "Line 1: the value “no spaces please”"),
        ("a | A\nb | B\na | Again", "Line 3: the value “a” is already used on line 1."),
    ],
)
def test_bad_option_lines_are_named(text, said):
    with pytest.raises(ValidationError) as refused:
        parse_options(text)
    assert any(said in message for message in refused.value.messages)


def test_bad_options_show_on_their_field(world, survey, client_for):
    version = services.current_version(survey)
    client = client_for(world.supervisor)
    response = client.post(
        _version_url(version),
        _version_data(
            version,
            {"key": "plan", "type": "multiple", "label": "Plan", "options_text": "only | One"},
            {"key": "more", "type": "multiple", "label": "More", "options_text": "x | X\ny"},
            {"key": "name", "type": "short_text", "label": "Name", "options_text": "a | A\nb | B"},
        ),
    )
    errors = _errors(response)
    assert "at least two options" in errors[(2, "options_text")]
    assert "Line 2 needs a value" in errors[(3, "options_text")]
    assert "Only single and multiple choice" in errors[(4, "options_text")]
    assert version.questions.count() == 2


def test_new_options_are_saved_in_every_language(world, survey, client_for):
    version = services.current_version(survey)
    response = client_for(world.supervisor).post(
        _version_url(version),
        _version_data(
            version,
            {
                "key": "speed",
                "type": "single",
                "label": "Speed",
                "options_text": "slow | Slow | Lento | Lento | Lent\nfast | Fast | Rápido",
            },
        ),
    )
    assert response.status_code == 302
    speed = version.questions.get(key="speed")
    assert speed.options[1] == {"value": "fast", "en": "Fast", "es": "Rápido", "pt": "", "fr": ""}


# Rules between questions ------------------------------------------------------------------


def test_conditions_name_an_earlier_choice_and_one_of_its_answers(world, survey, client_for):
    version = services.current_version(survey)
    text = {"type": "short_text", "label": "Text"}
    response = client_for(world.supervisor).post(
        _version_url(version),
        _version_data(
            version,
            {"key": "a", **text, "condition_key": "later", "condition_value": "x"},
            {"key": "b", **text, "condition_key": "link", "condition_value": "copper"},
            {"key": "c", **text, "condition_key": "happy", "condition_value": "maybe"},
            {"key": "d", **text, "condition_key": "a", "condition_value": "x"},
            {"key": "e", **text, "condition_key": "link"},
            {"key": "later", "type": "yes_no", "label": "Later"},
            {"key": "a", **text},
        ),
    )
    errors = _errors(response)
    assert "No earlier question" in errors[(2, "condition_key")]
    assert (
        "“copper” is not an answer to “link”; its answers are: fibre, radio"
        in errors[(3, "condition_value")]
    )
    assert "its answers are: yes, no" in errors[(4, "condition_value")]
    assert "not a choice or a yes/no question" in errors[(5, "condition_key")]
    assert "needs both" in errors[(6, "condition_value")]
    assert "Another question of this version has the key “a”" in errors[(8, "key")]
    assert version.questions.count() == 2


def test_a_valid_condition_is_saved(world, survey, client_for):
    version = services.current_version(survey)
    response = client_for(world.supervisor).post(
        _version_url(version),
        _version_data(
            version,
            {"key": "why", "type": "long_text", "label": "Why?", "condition_key": "happy"}
            | {"condition_value": "no"},
            {"key": "where", "type": "short_text", "label": "Where?", "condition_key": "link"}
            | {"condition_value": "radio"},
        ),
    )
    assert response.status_code == 302
    assert version.questions.get(key="where").condition_value == "radio"


def test_section_breaks_and_limits(world, survey, client_for):
    version = services.current_version(survey)
    response = client_for(world.supervisor).post(
        _version_url(version),
        _version_data(
            version,
            {"key": "part", "type": "section", "label": "Part 2", "required": "on"},
            {"key": "part2", "type": "section", "label": "Part 3", "options_text": "a | A\nb | B"},
            {"key": "sites", "type": "number", "label": "Sites", "minimum": "9", "maximum": "2"},
            {"key": "name", "type": "short_text", "label": "Name", "minimum": "1"},
        ),
    )
    errors = _errors(response)
    assert "cannot be required" in errors[(2, "required")]
    assert "Only single and multiple choice" in errors[(3, "options_text")]
    assert "must not be below the minimum" in errors[(4, "maximum")]
    assert "Only number questions" in errors[(5, "minimum")]
    assert version.questions.count() == 2


# Preview ----------------------------------------------------------------------------------


def test_the_preview_reads_in_spanish_and_sends_nothing(world, survey, client_for):
    version = services.current_version(survey)
    url = reverse("admin:surveys_formversion_preview", args=[version.pk])
    client = client_for(world.supervisor)
    response = client.get(url, {"lang": "es"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Revisión trimestral" in page and "¿Qué enlace?" in page and "Radioenlace" in page
    assert "Which link?" not in page and "Radio link" not in page
    assert "<form" not in page and 'type="submit"' not in page
    english = client.get(url, {"lang": "en"}).content.decode()
    assert "Which link?" in english and "Radio link" in english
    assert client.post(url, {"q_link": "fibre"}).status_code == 302


# Sending ----------------------------------------------------------------------------------


def _sending_data(world, form, **changes):
    data = {"form": form.pk, "organisation": world.org.pk, "audience": Audience.EVERYONE}
    data.update(changes)
    return data


def test_sending_to_managers_only_invites_the_managers(world, survey, client_for):
    response = client_for(world.agent).post(
        reverse("admin:surveys_sending_add"),
        _sending_data(world, survey, audience=Audience.MANAGERS, due_on="2099-01-31"),
    )
    assert response.status_code == 302
    sending = Sending.objects.get()
    assert list(sending.invitations.values_list("user", flat=True)) == [world.manager.pk]
    assert sending.created_by == world.agent and str(sending.due_on) == "2099-01-31"


def test_chosen_people_of_another_organisation_are_refused(world, survey, client_for):
    response = client_for(world.agent).post(
        reverse("admin:surveys_sending_add"),
        _sending_data(
            world, survey, audience=Audience.CHOSEN, chosen=[world.member.pk, world.outsider.pk]
        ),
    )
    errors = response.context["adminform"].form.errors
    assert "boss@other.test" in str(errors["chosen"]) and "member@andes" not in str(errors)
    assert not Sending.objects.exists()


def test_a_ticket_of_another_organisation_is_refused(world, survey, client_for, ticket):
    response = client_for(world.agent).post(
        reverse("admin:surveys_sending_add"),
        _sending_data(world, survey, organisation=world.other_org.pk, ticket=ticket.pk),
    )
    assert "ticket" in response.context["adminform"].form.errors
    assert not Sending.objects.exists()


def test_the_services_refusal_shows_on_the_form(world, client_for):
    empty = _form()
    response = client_for(world.agent).post(
        reverse("admin:surveys_sending_add"), _sending_data(world, empty)
    )
    assert "This form has no questions yet." in str(
        response.context["adminform"].form.non_field_errors()
    )
    assert not Sending.objects.exists()


def test_a_sending_page_names_who_answered_unless_anonymous(world, survey, client_for):
    named = _answer(world, survey)
    hidden = _answer(world, _form(*[dict(q) for q in _plain_questions()], anonymous=True))
    client = client_for(world.supervisor)
    page = client.get(reverse("admin:surveys_sending_change", args=[named.pk])).content.decode()
    assert "Diego" in page and "answered" in page and "not started" in page
    page = client.get(reverse("admin:surveys_sending_change", args=[hidden.pk])).content.decode()
    assert "1 answered, 0 started, 3 invited" in page
    assert "Diego" not in page and "Camila" not in page
    listing = client.get(reverse("admin:surveys_sending_changelist")).content.decode()
    assert "1 / 3" in listing


def _plain_questions():
    return [{"key": "link", "type": QuestionType.SINGLE, "label": "Link", "options": OPTIONS}]
