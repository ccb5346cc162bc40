"""A form's results: the figures, the staff page, the CSV and PDF, the client's shared page."""

import csv
import io
import secrets
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from surveys import charts, exports
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
from surveys.results import Filters, columns, compute, nps_score

CHOICES = [
    {"value": "fibre", "en": "Fibre", "es": "Fibra", "pt": "Fibra", "fr": "Fibre"},
    {"value": "radio", "en": "Radio link", "es": "Radioenlace", "pt": "Rádio", "fr": "Faisceau"},
]
SURVEY = [
    {"key": "nps", "type": QuestionType.NPS, "label": "Would you recommend us?"},
    {"key": "rating", "type": QuestionType.RATING, "label": "How did we do?"},
    {"key": "link", "type": QuestionType.SINGLE, "label": "Link", "options": CHOICES},
    {"key": "links", "type": QuestionType.MULTIPLE, "label": "Links", "options": CHOICES},
    {"key": "happy", "type": QuestionType.YES_NO, "label": "Happy?"},
    {"key": "sites", "type": QuestionType.NUMBER, "label": "Sites"},
    {"key": "story", "type": QuestionType.LONG_TEXT, "label": "What happened"},
]
MOMENT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def make_form(*versions, **fields) -> tuple[Form, list[FormVersion]]:
    form = Form.objects.create(title="Quarterly review", kind=FormKind.SURVEY, **fields)
    made = []
    for number, questions in enumerate(versions, start=1):
        version = FormVersion.objects.create(form=form, number=number)
        Question.objects.bulk_create(
            Question(form_version=version, order=order, **spec)
            for order, spec in enumerate(questions)
        )
        made.append(version)
    return form, made


def answer(version, organisation, answers, *, at=MOMENT, status=ResponseStatus.SUBMITTED):
    """One sending of `version` to `organisation`, a new person per answer dict."""
    sending = Sending.objects.create(
        form=version.form, version=version, organisation=organisation, audience=Audience.CHOSEN
    )
    tag = secrets.token_hex(4)
    people = User.objects.bulk_create(
        User(email=f"p{tag}-{n}@example.com", display_name=f"Person {tag} {n}")
        for n in range(len(answers))
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(sending=sending, user=person, token=secrets.token_hex(16)) for person in people
    )
    Response.objects.bulk_create(
        Response(
            invitation=invitation,
            version=version,
            status=status,
            answers=given,
            submitted_at=at if status == ResponseStatus.SUBMITTED else None,
        )
        for invitation, given in zip(invitations, answers, strict=True)
    )
    return sending, people


def figures(results, key):
    return next(q for q in results.questions if q.column.key == key)


# Figures ------------------------------------------------------------------------------


def test_nps_arithmetic(world):
    form, (version,) = make_form(SURVEY)
    scores = [*[9, 10, 9, 10, 9], *[7, 8, 7], *[0, 6]]  # 5 promoters, 3 passives, 2 detractors
    answer(version, world.org, [{"nps": s} for s in scores])
    nps = figures(compute(form, Filters()), "nps").nps
    assert (nps.promoters, nps.passives, nps.detractors, nps.total) == (5, 3, 2, 10)
    assert nps.score == 30
    # Halves go away from zero, both ways: 12.5 → 13, -12.5 → -13.
    assert nps_score(1, 0, 8) == 13
    assert nps_score(0, 1, 8) == -13
    assert nps_score(0, 0, 0) is None


def test_rating_average_and_distribution(world):
    form, (version,) = make_form(SURVEY)
    answer(version, world.org, [{"rating": r} for r in [5, 4, 4, 3, 1]] + [{"rating": 9}])
    rating = figures(compute(form, Filters()), "rating")
    assert rating.answered == 5  # 9 is no rating: left out
    assert rating.average == pytest.approx(3.4)
    assert [bar.count for bar in rating.bars] == [1, 0, 1, 2, 1]
    assert rating.bars[3].percent == pytest.approx(40)


def test_choice_percentages(world):
    form, (version,) = make_form(SURVEY)
    answer(
        version,
        world.org,
        [
            {"link": "fibre", "links": ["fibre", "radio"], "happy": True},
            {"link": "fibre", "links": ["fibre"], "happy": True},
            {"link": "fibre", "links": ["radio"], "happy": False},
            {"link": "radio", "happy": True},
            {"sites": 3},
        ],
    )
    results = compute(form, Filters())
    single = figures(results, "link")
    assert [(b.value, b.count, b.percent) for b in single.bars] == [
        ("fibre", 3, 75.0),
        ("radio", 1, 25.0),
    ]
    several = figures(results, "links")
    # Of those who answered: the shares add up to more than 100.
    assert [(b.count, round(b.percent, 1)) for b in several.bars] == [(2, 66.7), (2, 66.7)]
    yes_no = figures(results, "happy")
    assert [(b.count, b.percent) for b in yes_no.bars] == [(3, 75.0), (1, 25.0)]
    assert results.submitted == 5


def test_drafts_do_not_count_and_rate(world):
    form, (version,) = make_form(SURVEY)
    answer(version, world.org, [{"rating": 5}, {"rating": 1}])
    answer(version, world.org, [{"rating": 3}] * 2, status=ResponseStatus.DRAFT)
    results = compute(form, Filters())
    assert (results.submitted, results.invited) == (2, 4)
    assert results.rate == 50
    assert figures(results, "rating").average == 3


def test_versions_are_matched_by_key(world):
    old = [{"key": "rating", "type": QuestionType.RATING, "label": "Old wording"}]
    new = [
        {"key": "extra", "type": QuestionType.SHORT_TEXT, "label": "Anything else?"},
        {"key": "rating", "type": QuestionType.RATING, "label": "New wording"},
    ]
    form, (first, second) = make_form(old, new)
    answer(first, world.org, [{"rating": 2}, {"rating": 4}])
    answer(second, world.org, [{"rating": 5, "extra": "Fine"}])
    results = compute(form, Filters())
    rating = figures(results, "rating")
    assert rating.label == "New wording"
    assert rating.answered == 3
    assert rating.average == pytest.approx(11 / 3)
    only_first = compute(form, Filters(version=first.pk))
    assert [q.column.key for q in only_first.questions] == ["rating"]
    assert figures(only_first, "rating").label == "Old wording"
    assert figures(only_first, "rating").answered == 2


def test_filters_by_organisation_and_period(world):
    form, (version,) = make_form(SURVEY)
    answer(version, world.org, [{"rating": 5}], at=datetime(2026, 1, 5, 12, tzinfo=UTC))
    answer(version, world.org, [{"rating": 1}], at=datetime(2026, 2, 5, 12, tzinfo=UTC))
    answer(version, world.other_org, [{"rating": 3}], at=datetime(2026, 2, 6, 12, tzinfo=UTC))
    mine = compute(form, Filters(organisations=(world.org.pk,)))
    assert (mine.submitted, mine.invited) == (2, 2)
    february = compute(form, Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)))
    assert february.submitted == 2
    assert figures(february, "rating").average == 2
    one_day = compute(form, Filters(date_from=date(2026, 1, 5), date_to=date(2026, 1, 5)))
    assert figures(one_day, "rating").average == 5


def test_text_answers_latest_first_with_their_people(world):
    form, (version,) = make_form(SURVEY)
    answer(version, world.org, [{"story": "First"}], at=MOMENT)
    _sending, (late,) = answer(
        version, world.other_org, [{"story": "Second"}], at=datetime(2026, 4, 1, tzinfo=UTC)
    )
    story = figures(compute(form, Filters(), text_limit=1), "story")
    assert [(t.text, t.organisation, t.person) for t in story.texts] == [
        ("Second", "Other Co", late.display_name)
    ]
    assert story.answered == 2
    assert story.texts_left_out == 1


# Columns and CSV ----------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_columns_stay_in_order_across_versions(world):
    text = QuestionType.SHORT_TEXT
    first = [{"key": k, "type": text, "label": k.upper()} for k in ("a", "b", "c")]
    # The next version moves c first, drops b and adds d.
    second = [{"key": k, "type": text, "label": k.upper()} for k in ("c", "a", "d")]
    form, (one, two) = make_form(first, second)
    assert [c.key for c in columns(form)] == ["a", "b", "c", "d"]
    _sending, (person,) = answer(one, world.org, [{"a": "1", "b": "2", "c": "=3"}])
    answer(two, world.org, [{"c": "z", "a": "x", "d": "w"}], at=datetime(2026, 4, 1, tzinfo=UTC))
    rows = _csv(exports.csv_response(form, Filters()))
    header = ["response", "organisation", "sending", "submitted_at", "version", "person", "email"]
    assert rows[0] == [*header, "a", "b", "c", "d"]
    assert rows[1][1:] == [
        "Andes Fibra",
        rows[1][2],
        "2026-03-10T12:00:00+00:00",
        "1",
        person.display_name,
        person.email,
        "1",
        "2",
        "'=3",  # never a formula
        "",
    ]
    assert rows[2][4:] == ["2", rows[2][5], rows[2][6], "x", "", "z", "w"]
    assert len(rows) == 3


def test_csv_writes_choices_as_values(world):
    form, (version,) = make_form(SURVEY)
    answer(version, world.org, [{"links": ["fibre", "radio"], "happy": False, "nps": 7}])
    rows = _csv(exports.csv_response(form, Filters()))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert (cells["links"], cells["happy"], cells["nps"]) == ("fibre; radio", "no", "7")


# Anonymous ----------------------------------------------------------------------------


def test_anonymous_form_never_names_the_person(world, client_for):
    form, (version,) = make_form(SURVEY, anonymous=True)
    _sending, (person,) = answer(version, world.org, [{"story": "Slow router", "rating": 2}])
    results = compute(form, Filters())
    assert figures(results, "story").texts[0].person is None
    rows = _csv(exports.csv_response(form, Filters()))
    assert "person" not in rows[0] and "email" not in rows[0]
    assert person.email not in ",".join(rows[1])
    page = client_for(world.supervisor).get(reverse("admin:surveys_form_results", args=[form.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Slow router" in html
    assert person.display_name not in html


# The staff page -----------------------------------------------------------------------


def test_staff_page_shows_charts_and_keeps_the_filters_in_the_downloads(world, client_for):
    form, (version,) = make_form(SURVEY)
    _sending, (person,) = answer(version, world.org, [{"nps": 10, "story": "<b>Good</b>"}])
    url = reverse("admin:surveys_form_results", args=[form.pk])
    page = client_for(world.supervisor).get(url, {"organisation": world.org.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="results-chart"') == 2
    assert "&lt;b&gt;Good&lt;/b&gt;" in html
    assert person.display_name in html
    assert f"csv/?organisation={world.org.pk}" in html
    assert ' style="' not in html.split('id="content-main"')[1]


def test_staff_page_refuses_bad_filters(world, client_for):
    form, _versions = make_form(SURVEY)
    url = reverse("admin:surveys_form_results_csv", args=[form.pk])
    staff = client_for(world.supervisor)
    assert staff.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400


def test_staff_page_queries_do_not_grow_with_responses(world, client_for):
    form, (version,) = make_form(SURVEY)
    every = {
        "nps": 9,
        "rating": 4,
        "link": "fibre",
        "links": ["radio"],
        "happy": True,
        "sites": 2,
        "story": "ok",
    }
    url = reverse("admin:surveys_form_results", args=[form.pk])
    staff = client_for(world.supervisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(url).status_code == 200
        return len(captured)

    answer(version, world.org, [every] * 10)
    few = queries()
    answer(version, world.other_org, [every] * 90)
    assert queries() == few


def test_pdf_report(world, client_for):
    form, (version,) = make_form(SURVEY)
    answer(version, world.org, [{"nps": 10, "rating": 4, "story": "Fine"}])
    url = reverse("admin:surveys_form_results_pdf", args=[form.pk])
    response = client_for(world.supervisor).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_member_of_staff_without_permission_is_refused(world, client_for):
    form, _versions = make_form(SURVEY)
    url = reverse("admin:surveys_form_results", args=[form.pk])
    assert client_for(world.manager).get(url).status_code == 302  # to the admin's login


# Charts -------------------------------------------------------------------------------


def test_chart_escapes_wraps_and_reads_in_the_language(world):
    form, (version,) = make_form(
        [
            {
                "key": "pick",
                "type": QuestionType.SINGLE,
                "label": "Pick",
                "options": [
                    {"value": "a", "en": "<script>" + " very long words" * 6, "fr": "Long"},
                    {"value": "b", "en": "B", "fr": "B"},
                ],
            }
        ]
    )
    answer(version, world.org, [{"pick": "a"}] * 1000 + [{"pick": "b"}] * 2000)
    pick = figures(compute(form, Filters()), "pick")
    svg = str(pick.chart())
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title>" in svg
    assert "…" in svg  # cut on its second line, whole in the title
    assert "1,000 (33%)" in svg
    with translation.override("fr"):
        assert charts.count(2000) == "2\xa0000"
        assert charts.decimal(3.44) == "3,4"


# The client's shared page -------------------------------------------------------------


def _shared(world, *, both=True):
    form, (version,) = make_form(SURVEY, shared_with_client=True)
    _sending, (person,) = answer(version, world.org, [{"rating": 4, "story": "Mine"}])
    if both:
        answer(version, world.other_org, [{"rating": 1, "story": "Theirs"}])
    return form, person


def test_manager_reads_own_organisation_without_authors(world, client_for):
    form, person = _shared(world)
    page = client_for(world.manager).get(reverse("surveys:results", args=[form.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mine" in html and "Theirs" not in html
    assert person.display_name not in html
    assert page.context["results"].invited == 1


def test_partner_reads_shared_results(world, client_for):
    form, _person = _shared(world)
    page = client_for(world.partner).get(reverse("surveys:results", args=[form.pk]))
    assert page.status_code == 200


def test_other_organisation_reads_only_its_own(world, client_for):
    form, _person = _shared(world)
    page = client_for(world.outsider).get(reverse("surveys:results", args=[form.pk]))
    html = page.content.decode()
    assert "Theirs" in html and "Mine" not in html


@pytest.mark.parametrize("who", ["member", "outsider", "stray_partner"])
def test_shared_results_are_a_404_for_others(world, client_for, who):
    # Sent to world.org only: the other organisation's people have no results of it.
    form, _person = _shared(world, both=False)
    url = reverse("surveys:results", args=[form.pk])
    assert client_for(getattr(world, who)).get(url).status_code == 404


def test_results_not_shared_are_a_404(world, client_for):
    form, (version,) = make_form(SURVEY)
    answer(version, world.org, [{"rating": 4}])
    page = client_for(world.manager).get(reverse("surveys:results", args=[form.pk]))
    assert page.status_code == 404


def test_shared_results_refuse_a_post(world, client_for):
    form, _person = _shared(world)
    url = reverse("surveys:results", args=[form.pk])
    assert client_for(world.manager).post(url).status_code == 405


def test_answers_of_another_type_count_as_before(world):
    form, (version,) = make_form(SURVEY)
    odd = [
        {"rating": 4, "happy": False, "sites": 3, "links": ["fibre", "fibre", "radio"]},
        {"rating": 5.0, "happy": "yes", "sites": "2.5", "links": ["fibre", 1]},
        {"rating": True, "sites": "many", "links": "fibre", "link": 7, "story": ""},
        {"rating": "5", "sites": 1.5, "links": [], "story": None, "nps": 11},
    ]
    answer(version, world.org, odd)
    answer(version, world.org, [[1, 2]])  # not an object: a response, but no answers
    results = compute(form, Filters())
    assert results.submitted == 5
    rating = figures(results, "rating")
    assert (rating.answered, rating.average) == (1, 4)
    assert [b.count for b in figures(results, "happy").bars] == [0, 1]
    sites = figures(results, "sites")
    assert (sites.answered, sites.average, sites.minimum, sites.maximum) == (
        3,
        pytest.approx(7 / 3),
        Decimal("1.5"),
        Decimal("3"),
    )
    links = figures(results, "links")
    assert links.answered == 2
    assert {b.value: b.count for b in links.bars} == {"fibre": 2, "radio": 1, "1": 1}
    assert {b.value: b.count for b in figures(results, "link").bars} == {
        "fibre": 0,
        "radio": 0,
        "7": 1,
    }
    assert figures(results, "story").answered == 0
    assert figures(results, "nps").answered == 0
