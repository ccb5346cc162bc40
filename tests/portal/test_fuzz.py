"""Whatever a client sends the portal, it answers below 500.

Hypothesis fills every query parameter, form field and path segment of the
portal's pages with odd values (Unicode digits, NUL bytes, far-off dates, huge
numbers, long text) as a visitor who is not logged in, as a member and as a
manager. The data is built once per test function (Hypothesis runs all its
examples on it); derandomized, so a run is repeatable and a failure prints its
request. test_every_portal_url_is_fuzzed keeps TARGETS complete: a new URL
fails it until it is fuzzed here or excluded with a reason.
"""

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services as account_services
from accounts.models import Role
from accounts.tokens import invitation_token
from activity.services import record_event
from core.uploads import clean_uploads
from notifications import unsubscribe
from notifications.models import DeliveryStatus, Notification
from tests.contracts.factories import ContractFactory
from tests.tickets.factories import TicketFactory
from tickets import services
from tickets.models import ClientTask, RequestSection, RequestType, RequestTypeField

ODD = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "²",
        "٣",
        "\uff11",  # fullwidth 1
        "\x00",
        "1\x00",
        "TKT-2026-00024\x00",
        "99999999999999999999999",
        "9999-12-31",
        "0001-01-01",
        "275760-09-13",
        "2026-02-30",
        "2026-03-01",
        "all",
        "active",
        "me",
        "manager",
        "ticket_commented:email",
        "javascript:alert(1)",
        "//evil.example/",
        "/\\evil.example/",
        "/tickets/",
        "home",
        "<script>x</script>",
        "' OR 1=1 --",
        "x@y.z",
        "x" * 5000,
        "ñ" * 300,
        "1-1",
        "1e5",
        "NaN",
        "Infinity",
        "1e999999",
        "-0",
        "\ud7ff",
        "\u202e",
    ]
)
VALUE = st.one_of(ODD, st.text(max_size=30), st.integers().map(str))
# File fields also get files: odd names, empty, binary, a fake SVG.
UPLOAD = st.builds(
    lambda name, content: SimpleUploadedFile(name, content, "application/octet-stream"),
    # Django's test client cannot even build a file named "" or "..": the
    # nearest names a browser could send instead.
    st.sampled_from([" ", "a.drawio.svg", "x\x00.svg", "ñ" * 300 + ".txt", "...", "a.exe"]),
    st.sampled_from([b"", b"\x00\xff" * 10, b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"x"]),
)
FILE_FIELDS = {"file", "attachments"}
PERSONAS = ("anonymous", "member", "manager")
CLIENTS = ("member", "manager")


@dataclass(frozen=True)
class Target:
    name: str  # URL name, checked against the resolver
    method: str
    path: str  # {ticket}, {contract}... filled per world and persona
    params: tuple[str, ...] = ()
    who: tuple[str, ...] = CLIENTS
    prime: str = ""  # a GET the same client makes first (a session the form needs)
    body_json: bool = False  # the parameters go as one JSON body


T = Target
TARGETS = [
    T("portal:home", "get", "/"),
    T("portal:dashboard", "get", "/dashboard/"),
    # Accounts: logging in and out, passwords, profile, switches, team.
    T("accounts:login", "get", "/account/login/", ("next",), PERSONAS),
    T("accounts:login", "post", "/account/login/", ("username", "password", "next"), PERSONAS),
    T("accounts:logout", "get", "/account/logout/", (), PERSONAS),
    T("accounts:logout", "post", "/account/logout/", ("next",), ("anonymous",)),
    T("accounts:password_reset", "get", "/account/password/reset/", (), PERSONAS),
    T("accounts:password_reset", "post", "/account/password/reset/", ("email",), PERSONAS),
    T("accounts:password_reset_done", "get", "/account/password/reset/sent/", (), PERSONAS),
    T("accounts:password_reset_confirm", "get", "/account/password/reset/{uid}/{reset}/"),
    T(
        "accounts:password_reset_confirm",
        "post",
        "/account/password/reset/{uid}/set-password/",
        ("new_password1", "new_password2"),
        ("anonymous",),
        prime="/account/password/reset/{uid}/{reset}/",
    ),
    T("accounts:password_reset_complete", "get", "/account/password/reset/complete/", (), PERSONAS),
    T("accounts:password_change", "get", "/account/password/change/"),
    T(
        "accounts:password_change",
        "post",
        "/account/password/change/",
        ("old_password", "new_password1", "new_password2"),
    ),
    T("accounts:profile", "get", "/account/profile/"),
    T(
        "accounts:profile",
        "post",
        "/account/profile/",
        ("display_name", "language", "timezone", "phone"),
    ),
    T("accounts:language_switch", "post", "/account/language/", ("language", "next")),
    T("accounts:organisation_switch", "post", "/account/switch/{org}/", ("next",)),
    T("accounts:team", "get", "/account/team/"),
    T("accounts:login_verify", "get", "/account/login/verify/", (), PERSONAS),
    T("accounts:login_verify", "post", "/account/login/verify/", ("code",), PERSONAS),
    T("accounts:security_key_sign_in_options", "post", "/account/login/verify/key/options/"),
    T(
        "accounts:security_key_sign_in",
        "post",
        "/account/login/verify/key/",
        ("credential",),
        PERSONAS,
    ),
    T("accounts:security", "get", "/account/security/"),
    T("accounts:second_factor_setup", "get", "/account/security/two-step/", ("new",)),
    T("accounts:second_factor_setup", "post", "/account/security/two-step/", ("code",)),
    T("accounts:second_factor_off", "post", "/account/security/two-step/off/", ("code",)),
    T("accounts:recovery_codes_new", "post", "/account/security/recovery-codes/"),
    T("accounts:security_key_register_options", "post", "/account/security/keys/options/"),
    T(
        "accounts:security_key_register",
        "post",
        "/account/security/keys/",
        ("name", "credential", "back"),
    ),
    T("accounts:security_key_remove", "post", "/account/security/keys/1/remove/"),
    T("accounts:session_end", "post", "/account/security/sessions/1/end/"),
    T("accounts:sessions_end_others", "post", "/account/security/sessions/end-others/"),
    T("accounts:organisation_security", "get", "/account/team/security/", ("page",)),
    T("accounts:organisation_security", "post", "/account/team/security/", ("required",)),
    T("accounts:team_invite", "post", "/account/team/invite/", ("email", "role")),
    T("accounts:member_role", "post", "/account/team/{membership}/role/", ("role",)),
    T("accounts:member_deactivate", "post", "/account/team/{membership}/deactivate/"),
    T("accounts:member_reactivate", "post", "/account/team/{membership}/reactivate/"),
    T("accounts:invitation_revoke", "post", "/account/team/invitations/{invitation}/revoke/"),
    T("accounts:invitation_accept", "get", "/account/invitations/{invite}/", (), PERSONAS),
    # Posted by a visitor only: a logged-in persona accepting would change its memberships.
    T(
        "accounts:invitation_accept",
        "post",
        "/account/invitations/{invite}/",
        ("display_name", "password1", "password2"),
        ("anonymous",),
    ),
    # Tickets.
    T(
        "tickets:list",
        "get",
        "/tickets/",
        ("q", "status", "priority", "category", "requester", "organisation", "page"),
    ),
    T(
        "tickets:list_live",
        "get",
        "/tickets/live/",
        ("q", "status", "priority", "organisation", "page", "v"),
    ),
    T(
        "tickets:create",
        "get",
        "/tickets/new/",
        ("request_type", "organisation", "subject", "description"),
    ),
    T(
        "tickets:create",
        "post",
        "/tickets/new/",
        (
            "request_type",
            "organisation",
            "subject",
            "description",
            "priority",
            "category",
            "services",
            "watchers",
            "attachments",
            "send_anyway",
        ),
    ),
    # A request type with a field of each kind: the extra fields exist only with it.
    T(
        "tickets:create",
        "post",
        "/tickets/new/?request_type={request_type}",
        ("subject", "description", "extra_speed", "extra_since", "extra_link", "extra_notes"),
    ),
    T("tickets:diagram_editor_new", "get", "/tickets/new/diagram/editor/"),
    T("tickets:detail", "get", "/tickets/{ticket}/"),
    T("tickets:detail", "post", "/tickets/{ticket}/", ("body", "send_anyway", "attachments")),
    T("tickets:live", "get", "/tickets/{ticket}/live/", ("v", "after")),
    # Closed and reopened on a ticket of their own, so the others keep taking replies.
    T("tickets:close", "post", "/tickets/{spare}/close/"),
    T("tickets:reopen", "post", "/tickets/{spare}/reopen/"),
    T("tickets:escalate", "post", "/tickets/{ticket}/escalate/", ("reason",)),
    T("tickets:call", "post", "/tickets/{ticket}/call/", ("phone", "preferred_time")),
    T("tickets:mute", "post", "/tickets/{ticket}/mute/", ("muted",)),
    T("tickets:rate", "post", "/tickets/{spare}/rate/", ("score", "comment")),
    T("tickets:watcher_add", "post", "/tickets/{ticket}/watchers/", ("user",)),
    T("tickets:watcher_remove", "post", "/tickets/{ticket}/watchers/{watcher}/remove/"),
    T("tickets:task_done", "post", "/tickets/{ticket}/tasks/{task}/done/"),
    T("tickets:attachment", "get", "/tickets/{ticket}/attachments/{attachment}/", ("inline",)),
    T("tickets:diagram_save", "post", "/tickets/{ticket}/diagram/", ("file", "name")),
    T("tickets:diagram_editor", "get", "/tickets/{ticket}/diagram/editor/"),
    # Activity.
    T("activity:feed", "get", "/activity/", ("kind", "date_from", "date_to", "before", "since")),
    T(
        "activity:feed_live",
        "get",
        "/activity/live/",
        ("after", "top", "kind", "date_from", "date_to"),
    ),
    # Contracts.
    T("contracts:list", "get", "/contracts/"),
    T("contracts:detail", "get", "/contracts/{contract}/", ("period", "page")),
    T("contracts:live", "get", "/contracts/{contract}/live/", ("period", "page", "v")),
    T("contracts:statement_pdf", "get", "/contracts/{contract}/statement.pdf", ("period",)),
    T("contracts:statement_csv", "get", "/contracts/{contract}/statement.csv", ("period",)),
    # Wishes.
    *(
        T(name, "get", path, ("q", "service", "value", "author", "mine", "v", "view"))
        for name, path in (
            ("wishes:board", "/wishes/"),
            ("wishes:list", "/wishes/list/"),
            ("wishes:board_live", "/wishes/live/"),
        )
    ),
    T("wishes:create", "get", "/wishes/new/"),
    T(
        "wishes:create",
        "post",
        "/wishes/new/",
        (
            "title",
            "description",
            "services",
            "value",
            "desired_date",
            "visible_to_organisation",
            "attachments",
            "send_anyway",
            "submit",
        ),
    ),
    T("wishes:detail", "get", "/wishes/{wish}/"),
    T("wishes:versions", "get", "/wishes/{wish}/versions/"),
    T("wishes:edit", "get", "/wishes/{wish_draft}/edit/"),
    T(
        "wishes:edit",
        "post",
        "/wishes/{wish_draft}/edit/",
        ("title", "description", "services", "value", "desired_date", "save"),
    ),
    T("wishes:submit", "post", "/wishes/{wish_spare}/submit/"),
    T("wishes:delete", "post", "/wishes/{wish_spare}/delete/"),
    T("wishes:vote", "post", "/wishes/{wish}/vote/", ("vote",)),
    T("wishes:comment", "post", "/wishes/{wish}/comment/", ("body", "attachments", "send_anyway")),
    T("wishes:resubmit", "post", "/wishes/{wish_refused}/resubmit/"),
    T("wishes:mute", "post", "/wishes/{wish}/mute/", ("muted",)),
    T("wishes:attachment", "get", "/wishes/{wish}/attachments/{wish_attachment}/", ("inline",)),
    # Knowledge base.
    T("knowledge:home", "get", "/help/"),
    T("knowledge:search", "get", "/help/search/", ("q", "category")),
    T(
        "knowledge:suggest",
        "get",
        "/help/suggest/",
        ("subject", "description", "request_type", "d"),
    ),
    T("knowledge:category", "get", "/help/categories/{kb_category}/"),
    T("knowledge:article", "get", "/help/articles/{kb_article}/", ("s",)),
    T("knowledge:article_panel", "get", "/help/articles/{kb_article}/panel/", ("d",)),
    T(
        "knowledge:feedback",
        "post",
        "/help/articles/{kb_article}/feedback/",
        ("helpful", "comment"),
    ),
    T("knowledge:attachment", "get", "/help/articles/{kb_article}/files/{kb_attachment}/"),
    T("knowledge:solved", "post", "/help/deflections/{kb_visit}/solved/{kb_article}/"),
    # Documents to sign.
    T("signing:list", "get", "/documents/", ("tab",)),
    T("signing:verify", "get", "/documents/verify/"),
    T("signing:verify", "post", "/documents/verify/", ("file",)),
    T("signing:detail", "get", "/documents/{doc}/", ("part",)),
    T(
        "signing:sign",
        "post",
        "/documents/{doc}/sign/",
        (
            "mode",
            "drawn",
            "typed_signature",
            "typed_name",
            "consent",
            "password",
            "code",
            "version",
        ),
    ),
    T("signing:decline", "post", "/documents/{doc}/decline/", ("reason", "version")),
    T("signing:send_code", "post", "/documents/{doc}/code/"),
    T("signing:signed", "get", "/documents/{doc}/signed.pdf"),
    T("signing:verify_document", "get", "/documents/{doc}/verify/"),
    T("signing:original", "get", "/documents/{doc}/v1.pdf"),
    T("signing:page", "get", "/documents/{doc}/v1/1.png", ("w",)),
    T("signing:page_text", "get", "/documents/{doc}/v1/2/text/"),
    # Network diagnostics.
    T("diagnostics:detail", "get", "/diagnostics/{msm}/", ("line",)),
    T("diagnostics:raw", "get", "/diagnostics/{msm}/results.json"),
    T("diagnostics:csv", "get", "/diagnostics/{msm}/results.csv"),
    T("diagnostics:compare", "get", "/diagnostics/{msm}/compare/{msm}/"),
    T("diagnostics:rerun", "post", "/diagnostics/{msm}/rerun/"),
    T("diagnostics:home", "get", "/diagnostics/", ("ticket",)),
    T(
        "diagnostics:home",
        "post",
        "/diagnostics/",
        ("kind", "target", "query_type", "query_argument", "ticket"),
    ),
    # Managed resources.
    T(
        "inventory:list",
        "get",
        "/resources/",
        ("kind", "status", "service", "site", "expiring", "q", "page", "partial"),
    ),
    T("inventory:csv", "get", "/resources/resources.csv", ("kind", "status", "service", "q")),
    T("inventory:detail", "get", "/resources/{res}/"),
    T("inventory:pick", "get", "/resources/pick/", ("resource_q", "q", "organisation", "ticket")),
    T("inventory:ticket_add", "post", "/resources/ticket/{ticket}/add/", ("resource",)),
    T("inventory:ticket_remove", "post", "/resources/ticket/{ticket}/remove/{res}/"),
    # Surveys and forms.
    T("surveys:list", "get", "/surveys/", ("tab", "page")),
    T("surveys:answer", "get", "/surveys/{survey}/"),
    T(
        "surveys:results",
        "get",
        "/surveys/results/{survey_form}/",
        ("organisation", "version", "date_from", "date_to"),
    ),
    T(
        "surveys:answer",
        "post",
        "/surveys/{survey}/",
        ("action", "q_name", "q_rating", "q_nps", "q_links", "q_since", "q_sites", "q_email"),
    ),
    # Notifications.
    T("notifications:centre", "get", "/notifications/", ("show", "page")),
    T("notifications:bell", "get", "/notifications/bell/", ("n",)),
    T("notifications:read_all", "post", "/notifications/read-all/", ("show",)),
    T("notifications:open", "get", "/notifications/{notification}/open/"),
    T("notifications:read", "post", "/notifications/{notification}/read/", ("show",)),
    T("notifications:preferences", "post", "/notifications/preferences/", ("enabled",)),
    T("notifications:unsubscribe", "get", "/notifications/unsubscribe/{unsub}/", (), PERSONAS),
    T("notifications:unsubscribe", "post", "/notifications/unsubscribe/{unsub}/", (), PERSONAS),
    T("notifications:telegram_link", "post", "/notifications/telegram/link/"),
    T("notifications:telegram_unlink", "post", "/notifications/telegram/unlink/"),
    T(
        "notifications:telegram_webhook",
        "post",
        "/notifications/telegram/webhook/",
        ("update_id", "message", "my_chat_member"),
        ("anonymous",),
        body_json=True,
    ),
    # Inbound mail from Mailgun: junk signatures, timestamps and messages.
    T(
        "mailin:mailgun",
        "post",
        "/mail/mailgun/mime",
        ("timestamp", "token", "signature", "body-mime"),
        ("anonymous",),
    ),
]
# Every other URL name, and why it is not fuzzed. Empty is fine: each entry
# needs a reason a reviewer can accept.
EXCLUDED: dict[str, str] = {}
# Not the portal's: Django admin (staff), the health probe, Django's own
# set_language view, the debug toolbar.
NOT_PORTAL = {"admin", "djdt", "healthz", "set_language", "static"}

# Path segments an id or a token could be replaced with ({unsub}: a genuine token).
SEGMENTS = st.sampled_from(
    [
        "TKT-2026-00024%00",
        "%C2%B2",
        "%D9%A3",
        "99999999999999999999",
        "..",
        "%20",
        "TKT-%C2%B2",
        "%00",
        "x" * 300,
        "{unsub}x",
        "{unsub}%00",
        "{invite}:",
        "{uid}%00",
        "eyJ1Ijo5OTl9:1x:abc",
        ".eJyrVirNS1GyMtBRyklMTgUADKcCfw:1x:abc",
    ]
)
SEGMENT_PATHS = [
    "/tickets/{s}/",
    "/tickets/{s}/live/",
    "/tickets/{s}/close/",
    "/tickets/{ticket}/watchers/{s}/remove/",
    "/tickets/{ticket}/attachments/{s}/",
    "/contracts/{s}/",
    "/account/switch/{s}/",
    "/account/team/{s}/role/",
    "/account/invitations/{s}/",
    "/account/password/reset/{s}/{s}/",
    "/account/password/reset/{uid}/{s}/",
    "/notifications/{s}/open/",
    "/notifications/unsubscribe/{s}/",
    "/wishes/{s}/",
    "/wishes/{wish}/attachments/{s}/",
    "/documents/{s}/",
    "/documents/{doc}/v{s}/1.png",
]


@pytest.fixture
def portal(world, settings):
    # Telegram configured, so its link endpoints and webhook run rather than 404.
    settings.TELEGRAM_BOT_TOKEN = "123:fuzz"
    settings.TELEGRAM_BOT_USERNAME = "fuzz_bot"
    settings.TELEGRAM_WEBHOOK_SECRET = "fuzz-secret"
    # And Mailgun's key, so its webhook checks what it gets rather than 404.
    settings.INBOUND_MAILGUN_SIGNING_KEY = "fuzz-mailgun-key"
    ticket = TicketFactory(organisation=world.org, requester=world.member, number="TKT-2026-00024")
    spare = TicketFactory(organisation=world.org, requester=world.member, number="TKT-2026-00025")
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    task = ClientTask.objects.create(ticket=ticket, title="Reboot the router")
    upload = SimpleUploadedFile("log.txt", b"router log", "text/plain")
    comment = services.comment_add(
        ticket=ticket, author=world.member, body="", attachments=clean_uploads([upload])
    )
    section = RequestSection.objects.create(name="Incidents")
    request_type = RequestType.objects.create(section=section, name="Slow connection")
    for key, kind, choices in [
        ("speed", RequestTypeField.Kind.NUMBER, ""),
        ("since", RequestTypeField.Kind.DATE, ""),
        ("link", RequestTypeField.Kind.CHOICE, "fibre|Fibre\nradio"),
        ("notes", RequestTypeField.Kind.TEXT, ""),
    ]:
        RequestTypeField.objects.create(
            request_type=request_type, key=key, label=key, kind=kind, choices=choices
        )
    contract = ContractFactory(organisation=world.org, name="Soporte")
    invitations = [
        account_services.invitation_create(
            organisation=world.org, email=email, role=Role.MEMBER, invited_by=world.manager
        )
        for email in ("revoked@andes.test", "new@andes.test")
    ]
    event = record_event(
        organisation=world.org,
        actor=world.member,
        verb="member_joined",
        data={"member": "Diego", "role": "member"},
    )
    shared = {
        **_wishes(world),
        **_knowledge(world),
        **_signing(world),
        **_diagnostics(world),
        **_inventory(world),
        **_surveys(world),
        "ticket": ticket.number,
        "spare": spare.number,
        "contract": contract.pk,
        "request_type": request_type.pk,
        "org": world.org.pk,
        "membership": world.other_member.memberships.get().pk,
        # One to withdraw, another to accept (a withdrawn one is only a 410 page).
        "invitation": invitations[0].pk,
        "invite": invitation_token(invitations[1]),
        "task": task.pk,
        "watcher": world.other_member.pk,
        "attachment": comment.attachments.get().pk,
        # Password resets are tried on someone the fuzz never logs in as.
        "uid": urlsafe_base64_encode(force_bytes(world.other_member.pk)),
        "reset": default_token_generator.make_token(world.other_member),
    }
    ids, clients = {}, {}
    for persona in CLIENTS:
        user = getattr(world, persona)
        notification = Notification.objects.create(
            event=event, user=user, channel="portal", status=DeliveryStatus.SENT
        )
        ids[persona] = {
            **shared,
            "notification": notification.pk,
            "unsub": unsubscribe.token(user, number=ticket.number),
        }
        clients[persona] = Client(raise_request_exception=False)
        clients[persona].force_login(user)
    # A visitor holds the member's e-mailed links (unsubscribe), not a session.
    ids["anonymous"] = ids["member"]
    return {"ids": ids, "clients": clients}


def _wishes(world) -> dict:
    from tests.wishes.factories import draft, wish_in
    from wishes import services as wish_services
    from wishes.states import WishStatus

    upload = SimpleUploadedFile("plan.txt", b"plan", "text/plain")
    wish = draft(world, "Fuzzed wish", attachments=clean_uploads([upload]))
    wish_services.wish_submit(wish=wish, by=world.member)
    return {
        "wish": wish.number,
        "wish_attachment": wish.attachments.get().pk,
        "wish_draft": draft(world, "Fuzzed draft").number,
        "wish_spare": draft(world, "Spare draft").number,
        "wish_refused": wish_in(world, WishStatus.NOT_ACCEPTED, "Refused").number,
    }


def _knowledge(world) -> dict:
    from django.core.files.base import ContentFile

    from knowledge import services as kb_services
    from knowledge.models import ArticleAttachment
    from tests.knowledge.factories import article

    found = article({"es": ("Sin internet", "Revisa el router.", "## Paso\n\nReinicia.")})
    item = ArticleAttachment(article=found, name="plan.txt", content_type="text/plain", size=4)
    item.file.save("plan.txt", ContentFile(b"plan"), save=True)
    visit = kb_services.start_deflection(organisation=world.org, user=world.member)
    return {
        "kb_article": found.pk,
        "kb_category": found.category_id,
        "kb_attachment": item.pk,
        "kb_visit": str(visit.token),
    }


def _signing(world) -> dict:
    from tests.signing.factories import sent

    # Both personas are asked at once: each may sign (or decline) it.
    document = sent(world, signers=[world.member, world.manager], in_order=False)
    return {"doc": document.number}


def _diagnostics(world) -> dict:
    from django.utils import timezone

    from diagnostics.models import Measurement
    from diagnostics.services import _next_number
    from tests.tickets.factories import open_ticket

    measurement = Measurement.objects.create(
        number=_next_number(timezone.now()),
        organisation=world.org,
        ticket=open_ticket(world),
        requested_by=world.agent,
        kind="ping",
        target="example.com",
        atlas_id=4242,
        api_key_name="default",
    )
    return {"msm": measurement.number}


def _inventory(world) -> dict:
    from tests.inventory.factories import make_resource

    return {"res": make_resource(world.org, price=10, site="Santiago").number}


def _surveys(world) -> dict:
    from surveys import services as survey_services
    from surveys.models import Audience
    from tests.surveys.factories import make_form

    form = make_form(shared_with_client=True)
    sending = survey_services.send(form=form, organisation=world.org, audience=Audience.EVERYONE)
    return {"survey": sending.invitations.get(user=world.manager).token, "survey_form": form.pk}


def _client(portal, persona):
    # A visitor starts afresh each time: a fuzzed login or registration may log it in.
    if persona == "anonymous":
        return Client(raise_request_exception=False)
    return portal["clients"][persona]


def _send(portal, persona, target, params):
    client = _client(portal, persona)
    ids = portal["ids"][persona]
    if target.prime:
        client.get(target.prime.format(**ids))
    url = target.path.format(**ids)
    if target.body_json:
        response = client.post(
            url,
            json.dumps(params),
            content_type="application/json",
            headers={"X-Telegram-Bot-Api-Secret-Token": "fuzz-secret"},
        )
    else:
        response = getattr(client, target.method)(url, params)
    return url, response


# Values that broke the portal once: every parameter of every target gets each,
# and a few parameters their own.
KNOWN_BAD = ["²", "\x00"]
_FAR_DATE = ["9999-12-31", "275760-09-13"]
KNOWN_BAD_FOR = {
    "q": ["x" * 5000],
    "next": ["home"],
    "update_id": [2**63],  # the webhook's bigint column
    "extra_speed": ["1e999999", "NaN", "Infinity"],
    "extra_since": _FAR_DATE,
    "period": ["garbage", *_FAR_DATE],
    **{name: _FAR_DATE for name in ("date_from", "date_to", "top", "since")},
}


def test_every_parameter_with_the_values_that_broke_it_once(portal):
    # As the last persona a target allows: the manager reaches every page a member does.
    failures = []
    for target in TARGETS:
        persona = target.who[-1]
        for name in target.params:
            for value in KNOWN_BAD + KNOWN_BAD_FOR.get(name, []):
                url, response = _send(portal, persona, target, {name: value})
                if response.status_code >= 500:
                    failures.append((target.method, url, name, str(value)[:20]))
    assert failures == []


FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Telegram's Update, roughly: numbers where it has numbers, so the webhook gets past parsing.
_ID = st.one_of(st.integers(), st.sampled_from([2**63, -(2**63) - 1, 10**30, True, None, 1.5]))
_MESSAGE = st.fixed_dictionaries(
    {
        "message_id": _ID,
        "date": st.integers(min_value=-1, max_value=2**40),
        "chat": st.fixed_dictionaries({"id": _ID, "type": st.sampled_from(["private", "group"])}),
        "from": st.fixed_dictionaries({"id": _ID, "is_bot": st.booleans(), "first_name": VALUE}),
        "text": st.one_of(VALUE, st.sampled_from(["/start", "/start abc", "/stop", "/help x"])),
    }
)
JSON_VALUES = {
    "update_id": st.one_of(_ID, VALUE),
    "message": st.one_of(_MESSAGE, VALUE),
    "my_chat_member": st.one_of(st.fixed_dictionaries({"chat": _MESSAGE}), VALUE),
}


def _value(data, name):
    if name in JSON_VALUES:
        return data.draw(JSON_VALUES[name], label=name)
    if name in FILE_FIELDS:
        return data.draw(st.one_of(UPLOAD, VALUE), label=name)
    if name == "enabled":  # a list of ticks
        return data.draw(st.lists(VALUE, max_size=4), label=name)
    return data.draw(VALUE, label=name)


@pytest.mark.parametrize("persona", PERSONAS)
@settings(FUZZ, max_examples=150)  # about two per target and persona
@given(data=st.data())
def test_parameters_and_form_fields(portal, persona, data):
    targets = [target for target in TARGETS if persona in target.who]
    target = data.draw(st.sampled_from(targets), label="target")
    names = target.params
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True) if names else st.just([]))
    params = {name: _value(data, name) for name in chosen}
    url, response = _send(portal, persona, target, params)
    assert response.status_code < 500, (target.method, url, params)


@pytest.mark.parametrize("persona", PERSONAS)
@FUZZ
@given(data=st.data())
def test_path_segments(portal, persona, data):
    client = _client(portal, persona)
    ids = portal["ids"][persona]
    segment = data.draw(SEGMENTS).format(**ids)
    url = data.draw(st.sampled_from(SEGMENT_PATHS)).format(s=segment, **ids)
    method = data.draw(st.sampled_from(["get", "post"]))
    response = getattr(client, method)(url)
    assert response.status_code < 500, (method, url)


def _portal_url_names():
    found = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in NOT_PORTAL:
                    continue
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and entry.name not in NOT_PORTAL:
                found.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return found


def test_every_portal_url_is_fuzzed():
    names = _portal_url_names()
    fuzzed = {target.name for target in TARGETS}
    assert "tickets:detail" in names  # the walk found the portal
    assert names - fuzzed - EXCLUDED.keys() == set(), "add these to TARGETS or EXCLUDED"
    # Nothing stale: every name listed still exists, and none is both fuzzed and excluded.
    assert (fuzzed | EXCLUDED.keys()) - names == set()
    assert fuzzed & EXCLUDED.keys() == set()
