"""Every portal page, with one very long word in everything people type (subject,
description, replies, tasks, organisation and person names, contract texts), at a
desktop and a phone width, in English and Spanish: nothing widens the page past the
window, and axe-core finds no serious or critical accessibility problem.

Screenshots of every page land in test-artifacts/layout_<lang>_<width>_<page>.png."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tokens import invitation_token
from activity.models import Event
from contracts import services as contract_services
from contracts.models import Objective, Service
from notifications.fanout import fan_out
from tests.contracts.factories import ContractFactory
from tests.e2e.conftest import DESKTOP, PHONE, artifact_path, assert_accessible, axe_violations
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory
from tests.tickets.factories import open_ticket
from tickets import services

pytestmark = pytest.mark.e2e

# One unbroken word per kind of text, so a failure says which text broke the page.
ORG_WORD = "O" * 120
NAME_WORD = "N" * 120
SUBJECT_WORD = "S" * 120
TEXT_WORD = "T" * 120


@dataclass
class Visit:
    name: str
    path: str
    status: int = 200
    shows: str = ""  # a text the page must contain: proof the long words are on it
    language: str = ""  # when the page speaks its own language, not the reader's


@pytest.fixture
def long_words(live_world):
    world = live_world
    world.org.name = f"Andes {ORG_WORD}"
    world.org.save(update_fields=["name"])
    world.member.display_name = f"Diego {NAME_WORD}"
    world.member.save(update_fields=["display_name"])
    # Two organisations: the member gets the organisation switcher (a menu).
    MembershipFactory(user=world.member, organisation=world.other_org)

    contract = ContractFactory(organisation=world.org, name=f"Soporte {TEXT_WORD}")
    Service.objects.create(
        organisation=world.org, name=f"Fibra {TEXT_WORD}", kind="Internet", identifier=TEXT_WORD
    )
    ticket = open_ticket(world, f"Router {SUBJECT_WORD}", description=f"It fails: {TEXT_WORD}")
    services.comment_add(ticket=ticket, author=world.agent, body=f"We see {TEXT_WORD}")
    services.comment_add(ticket=ticket, author=world.member, body=f"Still {TEXT_WORD}")
    services.client_task_add(
        ticket=ticket,
        title=f"Send {TEXT_WORD}",
        details=TEXT_WORD,
        due_date=timezone.localdate() + timedelta(days=3),
        assignee=world.member,
        by=world.agent,
    )
    contract_services.time_entry_add(
        ticket=ticket, agent=world.agent, minutes=90, description=f"Checked {TEXT_WORD}"
    )
    objective = Objective.objects.create(
        contract=contract, title=f"Migrate {TEXT_WORD}", description=TEXT_WORD
    )
    objective.tickets.add(ticket)
    # The notification centre and the bell read what the fan-out wrote (no worker here).
    for event in Event.objects.order_by("pk"):
        fan_out(event)
    # The longest status label, which must not take the subject's room in the list.
    waiting = services.ticket_open(
        organisation=world.org, requester=world.member, subject="Carrier", description="x"
    )
    services.ticket_transition(ticket=waiting, to="waiting_on_third_party", by=world.agent)
    invitation = InvitationFactory(
        organisation=world.org, email="new@andes.test", invited_by=world.manager
    )
    _wishes(world)
    _knowledge(world)
    _signing(world)
    _inventory(world, ticket)
    _surveys(world)
    return world, ticket, contract, invitation_token(invitation)


def _knowledge(world):
    """A topic, a long article with contents, a table and code, and a related one."""
    from tests.knowledge.factories import article, category

    # A name is at most 120 characters; the description carries the whole word.
    topic = category(
        TEXT_WORD[:115], name_es=TEXT_WORD[:115], description=TEXT_WORD, description_es=TEXT_WORD
    )
    body = "\n\n".join(
        [
            f"Intro {TEXT_WORD}",
            f"## Paso {TEXT_WORD}",
            "| Luz | Estado | Qué hacer |\n|---|---|---|\n"
            + f"| LOS | {TEXT_WORD} | Abrir ticket |",
            "## Reiniciar",
            f"```\nping -c 4 {TEXT_WORD}\n```",
            "## Comprobar",
            "Listo.",
        ]
    )
    texts = {
        "es": {"title": f"Router {SUBJECT_WORD}", "summary": TEXT_WORD, "body": body},
        "en": {"title": f"Router {SUBJECT_WORD}", "summary": TEXT_WORD, "body": body},
    }
    main = article(texts, in_category=category(TEXT_WORD[:110], parent=topic))
    main.related.add(article({"es": (f"Relacionado {SUBJECT_WORD}", "Texto")}, in_category=topic))
    world.article = main


def _signing(world):
    """A document waiting for the member, and one signed by the manager and sealed."""
    from signing import services as signing_services
    from tests.signing.factories import sent, sign, with_seal

    world.document = sent(world, signers=[world.member], title=f"Acta {SUBJECT_WORD}")
    signed = sent(world, signers=[world.manager], title=f"Contrato {SUBJECT_WORD}")
    sign(signed, world.manager, typed_name=f"Camila {NAME_WORD}")
    with with_seal():
        signing_services.document_seal(document_id=signed.pk)
    world.signed_document = signed


def _inventory(world, ticket):
    """A priced switch on the long service, named by the ticket, and a certificate that
    expires in ten days (the list's expiry mark and the dashboard's widget)."""
    from inventory import services as inventory_services
    from inventory.models import Kind
    from tests.inventory.factories import make_resource

    switch = make_resource(
        world.org,
        Kind.SWITCH,
        name=f"Switch {TEXT_WORD}",
        site=f"Santiago {TEXT_WORD}",
        serial=TEXT_WORD[:100],
        notes=f"Rack {TEXT_WORD}",
        price=120,
        service=Service.objects.get(organisation=world.org),
    )
    expires = timezone.localdate() + timedelta(days=10)
    make_resource(
        world.org,
        Kind.SSL_CERTIFICATE,
        name=f"Certificate {TEXT_WORD}",
        details={"common_name": "www.andes.test", "expires_on": expires.isoformat()},
    )
    inventory_services.ticket_resources_add(ticket=ticket, resources=[switch], by=world.member)


def _surveys(world):
    """A survey shared with the client, waiting for the member and answered by the manager."""
    from surveys import services as survey_services
    from surveys.models import Audience, QuestionType
    from tests.surveys.factories import make_form

    options = [{"value": "long", "en": TEXT_WORD, "es": TEXT_WORD}, {"value": "short", "en": "Ok"}]
    form = make_form(
        title=f"Encuesta {SUBJECT_WORD}",
        title_es=f"Encuesta {SUBJECT_WORD}",
        intro=TEXT_WORD,
        shared_with_client=True,
        questions=[
            {"key": "nps", "type": QuestionType.NPS, "label": f"NPS {TEXT_WORD}", "required": True},
            {"key": "rating", "type": QuestionType.RATING, "label": "Rating", "required": True},
            {"key": "link", "type": QuestionType.SINGLE, "label": "Link", "options": options},
            {"key": "story", "type": QuestionType.LONG_TEXT, "label": "Story"},
        ],
    )
    sending = survey_services.send(form=form, organisation=world.org, audience=Audience.EVERYONE)
    survey_services.submit(
        invitation=sending.invitations.get(user=world.manager),
        answers={"nps": 9, "rating": 4, "link": "long", "story": f"Bien {TEXT_WORD}"},
    )


def _wishes(world):
    """A wish in most columns, one with two versions, a comment and a vote."""
    from wishes import services as wish_services
    from wishes.states import WishStatus

    wish = wish_services.wish_create(
        organisation=world.org,
        author=world.member,
        title=f"Informe {SUBJECT_WORD}",
        description=f"Cada mes {TEXT_WORD}",
        value="critical",
        services=Service.objects.filter(organisation=world.org),
    )
    wish_services.wish_submit(wish=wish, by=world.member)
    wish_services.wish_move(
        wish=wish, to=WishStatus.CHANGES_REQUESTED, by=world.agent, note=f"Which {TEXT_WORD}"
    )
    wish_services.wish_update(wish=wish, by=world.member, description=f"Cada semana {TEXT_WORD}")
    wish_services.wish_submit(wish=wish, by=world.member)
    wish_services.wish_move(wish=wish, to=WishStatus.APPROVED, by=world.agent, estimate_hours=6)
    wish_services.wish_move(
        wish=wish,
        to=WishStatus.PLANNED,
        by=world.agent,
        target_date=timezone.localdate() + timedelta(days=30),
    )
    wish_services.wish_comment(wish=wish, author=world.agent, body=f"Planned {TEXT_WORD}")
    wish_services.wish_vote(wish=wish, user=world.manager)
    for status in (WishStatus.SUBMITTED, WishStatus.IN_PROGRESS, WishStatus.NOT_ACCEPTED):
        other = wish_services.wish_create(
            organisation=world.org,
            author=world.manager,
            title=f"Portal {SUBJECT_WORD}",
            description=TEXT_WORD,
        )
        wish_services.wish_submit(wish=other, by=world.manager)
        if status == WishStatus.IN_PROGRESS:
            wish_services.wish_move(wish=other, to=WishStatus.APPROVED, by=world.agent)
        if status != WishStatus.SUBMITTED:
            wish_services.wish_move(
                wish=other, to=status, by=world.agent, reason="other", note=TEXT_WORD
            )
    world.wish = wish


def _visits(ticket, contract, invitation):
    from inventory.models import Resource
    from knowledge.models import Article
    from notifications import unsubscribe
    from signing.models import Document
    from surveys.models import Invitation
    from wishes.models import Wish

    detail = f"/tickets/{ticket.number}/"
    article = Article.objects.get(
        translations__title__startswith="Router", translations__language="es"
    )
    wish = Wish.objects.get(title__startswith="Informe")
    mute = unsubscribe.token(ticket.requester, number=ticket.number)
    pending = Document.objects.get(title__startswith="Acta")
    signed = Document.objects.get(title__startswith="Contrato")
    switch = Resource.objects.get(name__startswith="Switch")
    surveys = Invitation.objects.filter(sending__form__title__startswith="Encuesta")
    survey = surveys.get(user=ticket.requester)
    answered = surveys.get(response__status="submitted")
    return {
        "member": [
            Visit("dashboard", "/dashboard/", shows=SUBJECT_WORD),
            Visit("tickets", "/tickets/", shows=SUBJECT_WORD),
            Visit("ticket", detail, shows=TEXT_WORD),
            Visit("new_ticket", "/tickets/new/", shows=ORG_WORD),
            Visit("notifications", "/notifications/", shows=SUBJECT_WORD),
            Visit("member_activity", "/activity/", shows=SUBJECT_WORD),
            Visit("profile", "/account/profile/", shows=NAME_WORD),
            Visit("password_change", "/account/password/change/", shows=NAME_WORD),
            Visit("missing_ticket", "/tickets/TKT-2000-99999/", status=404),
            Visit("wishes", "/wishes/", shows=SUBJECT_WORD),
            Visit("wish_list", "/wishes/list/", shows=SUBJECT_WORD),
            Visit("wish", f"/wishes/{wish.number}/", shows=TEXT_WORD),
            Visit("wish_versions", f"/wishes/{wish.number}/versions/", shows=TEXT_WORD),
            Visit("new_wish", "/wishes/new/", shows=TEXT_WORD),
            Visit("help", "/help/", shows=TEXT_WORD),
            Visit("help_topic", f"/help/categories/{article.category.parent_id}/", shows=TEXT_WORD),
            Visit("help_article", article.get_absolute_url(), shows=TEXT_WORD),
            Visit("help_search", "/help/search/?q=router", shows=SUBJECT_WORD),
            Visit("help_no_result", "/help/search/?q=ruoter", shows=SUBJECT_WORD),
            Visit("documents", "/documents/", shows=SUBJECT_WORD),
            Visit("document", pending.get_absolute_url(), shows=SUBJECT_WORD),
            Visit("verify_pdf", "/documents/verify/"),
            Visit("resources", "/resources/", shows=TEXT_WORD),
            Visit("resources_expiring", "/resources/?expiring=1", shows=TEXT_WORD),
            Visit("resource", switch.get_absolute_url(), shows=TEXT_WORD),
            # "Open a ticket about this": the form with the resource chosen.
            Visit("new_ticket_about", f"/tickets/new/?resource={switch.number}", shows=TEXT_WORD),
            Visit("surveys", "/surveys/", shows=SUBJECT_WORD),
            Visit("survey", survey.get_absolute_url(), shows=TEXT_WORD),
        ],
        "manager": [
            Visit("manager_dashboard", "/dashboard/", shows=SUBJECT_WORD),
            Visit("manager_tickets", "/tickets/", shows=NAME_WORD),
            Visit("manager_ticket", detail, shows=NAME_WORD),
            Visit("activity", "/activity/", shows=NAME_WORD),
            Visit("contracts", "/contracts/", shows=TEXT_WORD),
            Visit("contract", f"/contracts/{contract.pk}/", shows=TEXT_WORD),
            Visit("team", "/account/team/", shows=NAME_WORD),
            Visit("manager_wishes", "/wishes/?value=critical", shows=SUBJECT_WORD),
            Visit("manager_wish", f"/wishes/{wish.number}/", shows=NAME_WORD),
            Visit("manager_documents", "/documents/?tab=signed", shows=SUBJECT_WORD),
            Visit("signed_document", signed.get_absolute_url(), shows=SUBJECT_WORD),
            Visit("signed_document_seal", f"{signed.get_absolute_url()}verify/", shows=NAME_WORD),
            # Prices are shown to managers only: one more column in the table.
            Visit("manager_resources", "/resources/?status=all", shows=TEXT_WORD),
            Visit("manager_resource", switch.get_absolute_url(), shows=TEXT_WORD),
            Visit("manager_surveys", "/surveys/?tab=answered", shows=SUBJECT_WORD),
            Visit("survey_answers", answered.get_absolute_url(), shows=TEXT_WORD),
            # The form is shared with the client: its charts and text answers, on a phone too.
            Visit(
                "survey_results", f"/surveys/results/{answered.sending.form_id}/", shows=TEXT_WORD
            ),
        ],
        "partner": [
            Visit("partner_dashboard", "/dashboard/", shows=ORG_WORD),
            Visit("partner_tickets", "/tickets/", shows=SUBJECT_WORD),
        ],
        None: [
            Visit("login", "/account/login/"),
            Visit("password_reset", "/account/password/reset/"),
            Visit("password_reset_sent", "/account/password/reset/sent/"),
            Visit("password_reset_bad_link", "/account/password/reset/MQ/bad-token/"),
            # An invitation speaks the inviting organisation's language.
            Visit(
                "invitation", f"/account/invitations/{invitation}/", shows=ORG_WORD, language="es"
            ),
            Visit("invitation_invalid", "/account/invitations/bad-token/", status=404),
            # The mute link under every e-mail, opened without a session.
            Visit("unsubscribe", f"/notifications/unsubscribe/{mute}/"),
            Visit("not_found", "/no/such/page/", status=404),
        ],
    }


def _log_in(page, url, user):
    page.goto(url + "/account/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").first.click()
    expect(page).to_have_url(f"{url}/dashboard/")


# Buttons and tags beside a long word must not be squeezed into a narrow column:
# more lines than words means a word of theirs was broken.
_SQUEEZED = """() => [...document.querySelectorAll(".button, .badge, .status, .priority, .mark")]
  .filter((el) => el.offsetParent !== null && el.textContent.trim())
  .filter((el) => {
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
    const height = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return Math.round(height / line) > el.textContent.trim().split(/\\s+/).length;
  })
  .map((el) => el.textContent.trim())"""


_TABLES_SCROLLING = """() => [...document.querySelectorAll(".table-wrap")]
  .filter((el) => el.scrollWidth > el.clientWidth)
  .map((el) => `its table scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`)"""


def _check(page, url, visit, language) -> list[str]:
    label = f"{language}_{page.viewport_size['width']}"
    response = page.goto(url + visit.path)
    problems = []
    if response.status != visit.status:
        problems.append(f"answered {response.status}, not {visit.status}")
    # Signed-in readers get their region too (en-gb).
    expected = visit.language or language
    if page.evaluate("document.documentElement.lang").split("-")[0] != expected:
        problems.append(f"is not in {expected}")
    if visit.shows and visit.shows not in page.content():
        problems.append(f"does not show the long word {visit.shows[:3]}…")
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > window:
        problems.append(f"{width} px wide in a {window} px window")
    # On a desktop a table fits its box, with no sideways scroll of its own.
    if window >= DESKTOP["width"]:
        problems += page.evaluate(_TABLES_SCROLLING)
    squeezed = page.evaluate(_SQUEEZED)
    if squeezed:
        problems.append(f"squeezes {squeezed} into a letter-wide column")
    problems += axe_violations(page)
    # Spanish (long words, long labels) is the one to look at; the rest when it fails.
    if language == "es" or problems:
        page.screenshot(path=artifact_path(f"layout_{label}_{visit.name}"), full_page=True)
    return [f"{label} {visit.name} ({visit.path}): {p}" for p in problems]


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_page_fits_the_window_and_passes_axe(
    long_words, live_server, browser, browser_errors, language
):
    world, ticket, contract, invitation = long_words
    people = {"member": world.member, "manager": world.manager, "partner": world.partner}
    for person in people.values():
        person.language = language
        person.save(update_fields=["language"])
    problems = []
    for role, visits in _visits(ticket, contract, invitation).items():
        context = browser.new_context(viewport=DESKTOP)
        # Logged-out pages follow the language cookie, as after the login page's picker.
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.on("pageerror", lambda error: browser_errors.append(f"pageerror: {error}"))
        if role is not None:
            _log_in(page, live_server.url, people[role])
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            for visit in visits:
                problems += _check(page, live_server.url, visit, language)
        context.close()
    assert problems == []
    assert browser_errors == []


def test_phone_ticket_list_is_cards_with_every_column_in_view(
    long_words, live_server, page, browser_errors
):
    world, ticket, *_ = long_words
    world.manager.language = "es"
    world.manager.save(update_fields=["language"])
    page.set_viewport_size(PHONE)
    _log_in(page, live_server.url, world.manager)
    page.goto(live_server.url + "/tickets/")
    row = page.locator("table.tickets tbody tr", has_text=ticket.number)
    expect(row).to_be_visible()

    # Priority and last update sit inside the screen, each under its caption.
    for inner, caption in ((".priority", "Prioridad"), ("time", "Última actualización")):
        cell = row.locator(f"td:has({inner})")
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], inner
        assert cell.evaluate("td => getComputedStyle(td, '::before').content") == f'"{caption}"'

    # Each filter takes the form's whole width, so its choice is not cut.
    form_width = page.locator("form.filters").evaluate("f => f.clientWidth")
    for select in page.locator("form.filters select").all():
        assert select.bounding_box()["width"] >= form_width * 0.8

    # Every navigation entry, the last one too, is on the screen.
    team = page.get_by_role("navigation", name="Principal").get_by_role("link", name="Equipo")
    box = team.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # On a desktop the same markup is a table again: its header row is shown.
    page.set_viewport_size(DESKTOP)
    expect(page.locator("table.tickets thead th").first).to_be_visible()
    assert browser_errors == []


def test_menus_and_landmarks_have_names(long_words, live_server, page, browser_errors):
    world, ticket, *_ = long_words
    _log_in(page, live_server.url, world.member)

    # The ticket page's two side columns are told apart by name.
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    asides = page.get_by_role("complementary")
    expect(asides).to_have_count(2)
    expect(page.get_by_role("complementary", name="Actions")).to_be_visible()
    expect(page.get_by_role("complementary", name="About this ticket")).to_be_visible()

    switcher = page.locator("details.orgswitch > summary")
    # The name spoken is the text shown, so a voice user can say what they see.
    assert switcher.get_attribute("aria-label") is None
    expect(switcher).to_have_accessible_name(f"Organisation Andes {ORG_WORD}")

    # On a phone the brand and the user menu show only a mark, yet keep their names.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("a.brand")).to_have_accessible_name("Support portal")
    expect(page.locator("details.usermenu > summary")).to_have_accessible_name(f"Diego {NAME_WORD}")
    # The open menus pass axe-core too.
    for menu in ("details.orgswitch > summary", "details.usermenu > summary"):
        page.locator(menu).click()
        assert_accessible(page)
        page.locator(menu).click()
    assert browser_errors == []
