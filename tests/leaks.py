"""What world.org owns, marked so that a leak shows, and the portal URLs without
an object id that answer with an organisation's data.

`seed(world)` gives world.org a ticket, a reply, a wish, an article meant for it
alone, a document to sign, a resource, a contract, a survey sent to it, a
measurement and notifications, each with "ZZLEAK" in a name or text, and gives
other_org a little of its own (so that its people's pages are not empty).
`leaked(body)` names the markers a response shows.

LEAKS lists the URLs with no id in the path that answer with an organisation's
data: htmx partials, live and poll answers, searches, exports and downloads.
The scoping harness (tests/test_scoping.py) covers every URL with an id; these
cannot be a 404 for an outsider, so tests/portal/test_leaks.py checks instead
that what an outsider gets never holds world.org's markers, while world.org's
own reader gets them from the same request (so the check proves something).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from tests.factories import member_of

MARK = "ZZLEAK"
# Also world.org's own name and its people's addresses (no other organisation
# shows them: `world.outsider` and friends are in "Other Co", at other.test).
MARKERS = (MARK, "Andes Fibra", "@andes.test")


def leaked(body: bytes | str) -> list[str]:
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    return [marker for marker in MARKERS if marker in text]


def rival(world):
    """A plain member of other_org (world.outsider is its manager)."""
    from accounts.models import User

    found = User.objects.filter(email="rival@other.test").first()
    return found or member_of(world.other_org, Role.MEMBER, email="rival@other.test")


def seed(world) -> dict:
    """World.org's marked data; returns its ids and numbers for the URLs and queries."""
    from activity.services import record_event
    from contracts.models import Service
    from core.uploads import clean_uploads
    from diagnostics.models import Measurement
    from diagnostics.services import _next_number
    from knowledge.models import Visibility
    from notifications.models import DeliveryStatus, Notification
    from surveys import services as survey_services
    from surveys.models import Audience
    from tests.contracts.factories import ContractFactory
    from tests.inventory.factories import make_resource
    from tests.knowledge.factories import article, category
    from tests.signing.factories import sent
    from tests.surveys.factories import make_form
    from tests.tickets.factories import open_ticket
    from tests.wishes.factories import draft
    from tickets import services as ticket_services
    from wishes import services as wish_services

    org, other = world.org, world.other_org
    ticket = open_ticket(world, f"Enlace {MARK}1 caído", description=f"Nodo {MARK}1 sin luz")
    upload = SimpleUploadedFile(f"{MARK}-log.txt", f"log {MARK}".encode(), "text/plain")
    ticket_services.comment_add(
        ticket=ticket,
        author=world.member,
        body=f"Respuesta {MARK}2",
        attachments=clean_uploads([upload]),
    )
    service = Service.objects.create(organisation=org, name=f"Fibra {MARK}3")
    wish = draft(world, f"Informe {MARK}4", description=f"Deseo {MARK}4", services=[service])
    wish_services.wish_submit(wish=wish, by=world.member)
    kb = article(
        {
            "es": (f"Guía {MARK}5", f"Resumen {MARK}5", f"Texto {MARK}5"),
            "en": (f"Guide {MARK}5", f"Text {MARK}5"),
        },
        in_category=category(f"Privado {MARK}5"),
        visibility=Visibility.ORGANISATIONS,
        organisations=[org],
    )
    document = sent(world, signers=[world.manager, world.member], title=f"Acuerdo {MARK}6")
    resource = make_resource(org, name=f"Switch {MARK}7", site=f"Sitio {MARK}7", service=service)
    contract = ContractFactory(organisation=org, name=f"Bolsa {MARK}8")
    form = make_form(title=f"Survey {MARK}9", title_es=f"Encuesta {MARK}9")
    survey_services.send(form=form, organisation=org, audience=Audience.EVERYONE)
    measurement = Measurement.objects.create(
        number=_next_number(ticket.created_at),
        organisation=org,
        ticket=ticket,
        requested_by=world.agent,
        kind="ping",
        target="zzleak10.example.com",
        atlas_id=910_000,
        api_key_name="default",
    )
    joined = member_of(org, Role.MEMBER, email="pilar@andes.test", display_name=f"Pilar {MARK}11")
    event = record_event(
        organisation=org,
        actor=joined,
        verb="member_joined",
        data={"member": MARK, "role": "member"},
    )
    for user in (world.manager, world.member):
        Notification.objects.create(
            event=event, user=user, channel="portal", status=DeliveryStatus.SENT
        )
    # other_org's own things: its people's lists have rows to draw.
    theirs = open_ticket(world, "Their ticket", organisation=other, requester=world.outsider)
    make_resource(other, name="Their switch")
    ContractFactory(organisation=other, name="Their bank")
    rival(world)
    return {
        "org": org.pk,
        "ticket": ticket.number,
        "their_ticket": theirs.number,
        "comment_attachment": ticket.attachments.get().pk,
        "service": service.pk,
        "wish": wish.number,
        "article": kb.pk,
        "category": kb.category_id,
        "document": document.number,
        "resource": resource.number,
        "contract": contract.pk,
        "form": form.pk,
        "measurement": measurement.number,
        "requester": world.member.pk,
    }


@dataclass(frozen=True)
class Leak:
    url_name: str
    # (seeded ids) -> query: world.org's own ids where the view takes them.
    query: Callable = lambda ids: {}
    htmx: bool = False
    # Who, in world.org, sees the markers through the same request.
    insider: str = "manager"
    # The insider's answer holds a marker: False only where the URL carries none
    # of an organisation's text (said why in `reason`).
    insider_sees: bool = True
    reason: str = ""


_ORG = lambda ids: {"organisation": ids["org"]}  # noqa: E731

LEAKS = [
    # Tickets: the list, its filtered export-like live answer, the new-ticket form's partials.
    Leak("tickets:list", _ORG),
    Leak("tickets:list", lambda ids: {"q": "Enlace", **_ORG(ids)}, htmx=True),
    Leak("tickets:list_live", _ORG, htmx=True),
    Leak("tickets:create", lambda ids: {"request_type": "", **_ORG(ids)}, htmx=True),
    Leak("activity:feed", lambda ids: {}, htmx=True),
    Leak("activity:feed_live", lambda ids: {"after": "0"}, htmx=True),
    Leak("contracts:list", htmx=True),
    Leak("wishes:board", lambda ids: {"service": ids["service"]}, htmx=True),
    Leak("wishes:list", lambda ids: {"service": ids["service"]}, htmx=True),
    Leak("wishes:board_live", lambda ids: {"service": ids["service"]}, htmx=True),
    Leak("knowledge:home", _ORG),
    Leak("knowledge:search", lambda ids: {"q": "Guía", "category": ids["category"]}, htmx=True),
    Leak("knowledge:suggest", lambda ids: {"subject": "Guía", "description": "Texto"}, htmx=True),
    Leak("signing:list", lambda ids: {"tab": "pending"}, htmx=True),
    Leak("diagnostics:home", lambda ids: {"ticket": ids["ticket"]}),
    Leak(
        "inventory:list",
        lambda ids: {"partial": "results", "service": ids["service"]},
        htmx=True,
    ),
    Leak("inventory:csv", lambda ids: {"service": ids["service"]}),
    Leak(
        "inventory:pick",
        lambda ids: {"ticket": ids["ticket"], "resource_q": "Switch", **_ORG(ids)},
        htmx=True,
    ),
    Leak("surveys:list", htmx=True),
    Leak("notifications:centre", htmx=True),
    Leak(
        "notifications:bell",
        htmx=True,
        insider_sees=False,
        reason="a count of the reader's own notifications: the outsider's is checked to be 0",
    ),
    Leak("portal:dashboard", _ORG, htmx=True),
    Leak("accounts:team", htmx=True),
]

# Portal URLs without an id that answer a partial or a file and are not in LEAKS,
# with the reason (the completeness test in tests/portal/test_leaks.py asks each).
NOT_DATA: dict[str, str] = {
    "tickets:diagram_editor_new": "JSON with the draw.io editor's address only, the same for all",
}
