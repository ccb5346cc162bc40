"""A client manager fills the quarterly survey on a 390 px wide phone, in Spanish: the
htmx draft keeps the answers while they leave and come back, a missing required
answer is told beside its question, the answers are sent once and shown back, and
staff see them in the form's results as a chart."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys import services
from surveys.models import Audience, QuestionType, Response, ResponseStatus, Schedule
from tests.e2e.conftest import PHONE, artifact_path, assert_accessible, axe_violations, sign_in
from tests.factories import PASSWORD
from tests.surveys.factories import make_form

pytestmark = pytest.mark.e2e

# An option label with no break in it: the form and the answers must wrap it.
LONG_WORD = "Radioenlace" + "x" * 60

QUESTIONS = [
    {
        "key": "nps",
        "type": QuestionType.NPS,
        "label": "Would you recommend us to a colleague?",
        "label_es": "¿Nos recomendaría a un colega?",
        "required": True,
    },
    {
        "key": "rating",
        "type": QuestionType.RATING,
        "label": "How was our support this quarter?",
        "label_es": "¿Qué tal nuestro soporte este trimestre?",
        "required": True,
    },
    {
        "key": "link",
        "type": QuestionType.SINGLE,
        "label": "Your main link",
        "label_es": "Su enlace principal",
        "options": [
            {"value": "fibre", "en": "Fibre", "es": "Fibra"},
            {"value": "radio", "en": LONG_WORD, "es": LONG_WORD},
        ],
    },
    {
        "key": "story",
        "type": QuestionType.LONG_TEXT,
        "label": "Anything to tell us?",
        "label_es": "¿Algo que contarnos?",
    },
]


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


def _fits(page):
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{page.url} is {width} px wide in a {window} px window"


def _question(page, label):
    return page.locator(".survey-question", has=page.locator("legend", has_text=label))


def test_a_manager_answers_the_quarterly_survey_on_a_phone_and_staff_see_the_chart(
    live_world, live_server, browser, page, browser_errors
):
    world, url = live_world, live_server.url
    world.manager.language = "es"
    world.manager.save(update_fields=["language"])
    form = make_form(
        title="Quarterly review",
        title_es="Revisión trimestral",
        shared_with_client=True,
        questions=QUESTIONS,
    )
    schedule = Schedule.objects.create(form=form, audience=Audience.MANAGERS)
    schedule.organisations.add(world.org)
    assert services.schedules_due() == 1
    invitation = schedule.sendings.get().invitations.get()
    assert invitation.user == world.manager
    survey_url = url + invitation.get_absolute_url()

    page.set_viewport_size(PHONE)
    _login(page, url, world.manager.email)
    expect(page).to_have_url(f"{url}/dashboard/")
    widget = page.locator("section[aria-labelledby=surveys-widget-title]")
    expect(widget.get_by_role("heading")).to_have_text("Esperan sus respuestas")
    _fits(page)
    widget.get_by_role("link", name="Revisión trimestral").click()

    expect(page).to_have_url(survey_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisión trimestral")
    expect(page.get_by_text(LONG_WORD)).to_be_visible()
    _fits(page)
    assert_accessible(page)
    page.screenshot(path=artifact_path("surveys_form_phone"), full_page=True)

    # The radios are answered through their labels, the big targets a thumb hits.
    nps = _question(page, "¿Nos recomendaría a un colega?")
    nps.locator("label", has_text=re.compile(r"^\s*9\s*$")).click()
    link = _question(page, "Su enlace principal")
    link.locator("label", has_text=LONG_WORD).click()
    expect(page.locator("#draft-status")).to_contain_text("Borrador guardado a las")
    # Typing saves too, a few seconds after the last key.
    with page.expect_response(
        lambda r: r.request.method == "POST" and "q_story=Todo" in (r.request.post_data or "")
    ) as typed:
        page.get_by_label("¿Algo que contarnos?").fill("Todo bien, salvo un corte en mayo.")
    assert typed.value.ok
    draft = Response.objects.get(invitation=invitation)
    assert draft.status == ResponseStatus.DRAFT
    assert draft.answers == {
        "nps": "9",
        "link": "radio",
        "story": "Todo bien, salvo un corte en mayo.",
    }

    # They leave for the list, where the survey waits with its draft, and come back.
    page.goto(url + reverse("surveys:list"))
    row = page.locator(".list__item", has_text="Revisión trimestral")
    expect(row).to_contain_text("Borrador")
    _fits(page)
    assert_accessible(page)
    row.get_by_role("link", name="Revisión trimestral").click()
    expect(page).to_have_url(survey_url)
    nps = _question(page, "¿Nos recomendaría a un colega?")
    expect(nps.get_by_role("radio", name="9", exact=True)).to_be_checked()
    link = _question(page, "Su enlace principal")
    expect(link.get_by_role("radio", name=LONG_WORD)).to_be_checked()
    expect(page.get_by_label("¿Algo que contarnos?")).to_have_value(
        "Todo bien, salvo un corte en mayo."
    )

    # Sent without the required rating: the message sits in that question's fieldset.
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.get_by_role("alert")).to_contain_text("Algunas respuestas requieren su atención")
    rating = _question(page, "¿Qué tal nuestro soporte este trimestre?")
    expect(rating.locator("fieldset")).to_contain_text("Este campo es obligatorio.")
    expect(rating.get_by_role("radio").first).to_have_attribute("aria-invalid", "true")
    expect(nps.locator("fieldset")).not_to_contain_text("Este campo es obligatorio.")
    expect(nps.get_by_role("radio", name="9", exact=True)).to_be_checked()
    assert Response.objects.get(invitation=invitation).status == ResponseStatus.DRAFT
    _fits(page)
    assert_accessible(page)
    page.screenshot(path=artifact_path("surveys_form_error_phone"), full_page=True)

    rating.locator("label", has_text=re.compile(r"^\s*4\s*$")).click()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page).to_have_url(survey_url)
    answers = page.locator("section[aria-labelledby=your-answers]")
    expect(answers.get_by_role("heading")).to_have_text("Sus respuestas")
    for text in ("¿Nos recomendaría a un colega?", "9", LONG_WORD, "corte en mayo"):
        expect(answers).to_contain_text(text)
    expect(page.get_by_role("button", name="Enviar mis respuestas")).to_have_count(0)
    _fits(page)
    assert_accessible(page)
    page.screenshot(path=artifact_path("surveys_answers_phone"), full_page=True)
    response = Response.objects.get(invitation=invitation)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.answers == {
        "nps": 9,
        "rating": 4,
        "link": "radio",
        "story": "Todo bien, salvo un corte en mayo.",
    }

    # The form is shared with the client: the manager reads the results on the phone.
    page.goto(url + reverse("surveys:results", args=[form.pk]))
    expect(page.locator("svg.results-chart").first).to_be_visible()
    _fits(page)
    assert_accessible(page)
    page.screenshot(path=artifact_path("surveys_shared_results_phone"), full_page=True)
    # Chrome logs the refused submit's 400 as a failed load; nothing else went wrong.
    assert [e for e in browser_errors if "status of 400 (Bad Request)" not in e] == []

    staff = browser.new_context()
    admin = staff.new_page()
    _login(admin, url, world.supervisor.email, admin=True)
    admin.goto(url + reverse("admin:surveys_form_results", args=[form.pk]))
    expect(admin.locator(".results-rate")).to_contain_text("1 response of 1 people invited")
    nps_result = admin.locator(".results-question", has_text="Would you recommend us")
    # One promoter and nobody else: a score of 100, the whole bar green.
    expect(nps_result.locator(".results-nps")).to_contain_text("Net Promoter Score 100")
    expect(nps_result.locator("svg.results-chart")).to_have_count(2)
    expect(nps_result.locator("svg.results-chart").first).to_have_attribute(
        "aria-label", re.compile(r"^Net Promoter Score 100 for")
    )
    promoters = nps_result.locator("svg.results-chart").first.locator("rect[fill='#1e8449']")
    assert promoters.first.get_attribute("width") == "588"
    rating_result = admin.locator(".results-question", has_text="How was our support")
    expect(rating_result).to_contain_text("Average rating 4.0 / 5")
    expect(rating_result.locator("svg.results-chart")).to_have_attribute(
        "aria-label", re.compile(r"4: 1 \(100%\)")
    )
    # A rating has no detractors: its bars are the plain colour, not the NPS's red.
    fills = rating_result.locator("svg.results-chart rect").evaluate_all(
        "rects => [...new Set(rects.map((r) => r.getAttribute('fill')))]"
    )
    assert fills == ["#2f6fca"]
    link_result = admin.locator(".results-question", has_text="Your main link")
    expect(link_result.locator("svg.results-chart title").first).to_have_text(
        re.compile(re.escape(LONG_WORD[:20]))
    )
    assert admin.evaluate("document.documentElement.scrollWidth") <= 1280
    assert axe_violations(admin) == []
    staff.close()
