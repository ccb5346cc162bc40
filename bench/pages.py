"""The pages `make bench` measures, on the data bench/seed.py leaves, and whom as.

`pages(personas)`: NAME -> (user, path) or (user, path, expected status). The first is
FLOOR, the bare page every other one is compared with (bench/floor.py). An idle poll
answers 204; its path here is what its page would render, and bench/run.py takes the
one the page really renders (POLL_SOURCES) when they differ.
"""

from django.urls import reverse

from bench import seed_inventory
from bench.floor import FLOOR_PATH
from bench.seed import SEARCH_WORD, _contract

FLOOR = "floor-auth"

# The page whose rendered hx-get a poll must match: poll NAME -> (page NAME, URL pattern).
POLL_SOURCES = {
    "ticket live poll (idle, 204)": ("ticket detail", r'hx-get="(/tickets/[^"/]+/live/[^"]*)"'),
    "list live poll (idle, 204)": ("ticket list", r'hx-get="(/tickets/live/[^"]*)"'),
    "bell poll (idle, 204)": ("dashboard", r'hx-get="(/notifications/bell/[^"]*)"'),
    "feed live poll (idle, 204)": ("activity feed", r'hx-get="(/activity/live/[^"]*)"'),
    "contract live poll (idle, 204)": (
        "contract page (10,000 entries)",
        r'hx-get="(/contracts/\d+/live/[^"]*)"',
    ),
}


def _view(key) -> int:
    import importlib

    from django.apps import apps

    from tickets.models import SavedView

    if not SavedView.objects.filter(key=key).exists():
        # The shared views come from a data migration, which a test database's
        # flush (a transactional or browser test run before) may have emptied.
        migration = importlib.import_module("tickets.migrations.0011_tags_links_saved_views")
        migration.add_shared_views(apps, None)
    return SavedView.objects.get(key=key).pk


def _unread(user) -> int:
    from notifications.models import Notification

    return Notification.objects.filter(user=user, channel="portal", read_at__isnull=True).count()


def ticket_version(ticket) -> str:
    """The `v` an idle ticket page sends: its last_activity_at as the page rendered it."""
    return f"{ticket.last_activity_at.timestamp():.6f}"


def list_version(user, organisation=None, **filters) -> str:
    """The `v` an idle list page sends: the max last_activity_at of its filtered list."""
    from django.db.models import Max

    from tickets import queries

    if organisation is None:
        from accounts.access import load_access

        organisation = load_access(user, None).active
    tickets = queries.ticket_list(user, organisation=organisation, **filters)
    latest = tickets.order_by().aggregate(latest=Max("last_activity_at"))["latest"]
    return f"{latest.timestamp():.6f}" if latest else "0"


def contract_version(contract) -> str:
    """The `v` an idle contract page sends: the live version of its current period."""
    from contracts.queries import live_version
    from contracts.services import current_period_shown

    return live_version(contract, current_period_shown(contract))


def newest_event() -> int:
    """An `after` no event is newer than: what an idle feed's poll sends."""
    from django.db.models import Max

    from activity.models import Event

    return Event.objects.aggregate(newest=Max("pk"))["newest"] or 0


def help_article(member) -> int:
    """The most read article bench-0's member may open (bench/seed_knowledge.py)."""
    from accounts.models import Organisation
    from knowledge.models import Article

    organisation = Organisation.objects.get(slug="bench-0")
    readable = Article.objects.visible_to(member, organisation=organisation)
    return readable.order_by("-views", "pk").values_list("pk", flat=True).first()


def pages(personas):
    """NAME -> (user, path) or (user, path, expected status)."""
    manager, member, agent = personas["manager"], personas["member"], personas["agent"]
    detail = personas["detail_ticket"]
    contract = _contract()
    article = help_article(member)
    return {
        FLOOR: (member, FLOOR_PATH),
        "login": (None, "/account/login/"),
        "dashboard": (member, "/dashboard/"),
        "dashboard (manager)": (manager, "/dashboard/"),
        "team (40 people)": (manager, "/account/team/"),
        "healthz": (None, "/healthz"),
        "ticket list": (manager, "/tickets/"),
        "ticket list (member)": (member, "/tickets/"),
        "ticket list filtered": (manager, "/tickets/?status=active&priority=high"),
        "ticket list search": (manager, f"/tickets/?q={SEARCH_WORD}"),
        "ticket detail": (member, f"/tickets/{detail.number}/"),
        "new ticket form": (member, "/tickets/new/"),
        "contract page (10,000 entries)": (manager, f"/contracts/{contract.pk}/"),
        "activity feed": (manager, "/activity/"),
        "activity feed (member)": (member, "/activity/"),
        "notification centre (5,000)": (member, "/notifications/"),
        "admin queue": (agent, "/admin/tickets/ticket/"),
        "admin queue (any open)": (agent, "/admin/tickets/ticket/?status=any_open"),
        # A shared saved view (tickets/migrations/0011): its Q, sort and every view's count.
        "admin queue (saved view)": (
            agent,
            f"/admin/tickets/ticket/?view={_view('breaching-today')}",
        ),
        "admin ticket page": (agent, f"/admin/tickets/ticket/{detail.pk}/change/"),
        # The workspace on a thread of 100 public replies, notes and files (bench/seed_thread.py).
        "admin ticket page (100 replies)": (
            agent,
            f"/admin/tickets/ticket/{personas['thread_ticket'].pk}/change/",
        ),
        # 10,000 wishes over the organisations (bench/seed_wishes.py): bench-0's board, and
        # every organisation's on the staff board.
        "wish board": (manager, "/wishes/"),
        "wish board (staff)": (agent, "/admin/wishes/wish/board/"),
        # 10,000 documents to sign over the organisations (bench/seed_signing.py): bench-0's
        # as its manager reads them (mostly signed), the member's (a handful to sign, many
        # signed), and one waiting for the member's signature.
        "documents (manager)": (manager, "/documents/"),
        "documents signed tab": (manager, "/documents/?tab=signed"),
        "documents (member)": (member, "/documents/"),
        "document page": (member, f"/documents/{personas['pending_document'].number}/"),
        # The knowledge base: 25,000 articles in four languages (bench/seed_knowledge.py).
        "help home": (member, "/help/"),
        "help article": (member, f"/help/articles/{article}/"),
        "help search": (member, "/help/search/?q=luz+los+roja+huawei"),
        "help search (broad)": (member, "/help/search/?q=internet"),
        # 50,000 managed resources over the organisations (bench/seed_inventory.py): bench-0's
        # 1,000, 50 a page; the manager's list adds the monthly costs and the prices.
        "resources (manager)": (manager, "/resources/"),
        "resources (member)": (member, "/resources/"),
        "resources expiring": (manager, "/resources/?expiring=1"),
        "resources search": (manager, f"/resources/?q={seed_inventory.SEARCH_WORD}"),
        "resource page": (member, f"/resources/{personas['detail_resource'].number}/"),
        # A survey with 10,000 answers over the organisations and two versions
        # (bench/seed_surveys.py): its staff results page, the member's list of surveys and
        # the answer page of the one waiting for them, with their draft.
        "survey results (10,000)": (
            personas["supervisor"],
            reverse("admin:surveys_form_results", args=[personas["survey_form"].pk]),
        ),
        "surveys (member)": (member, "/surveys/"),
        "survey answer page": (member, personas["survey_invitation"].get_absolute_url()),
        # What an open tab polls while nothing changes (the URLs its page renders).
        "ticket live poll (idle, 204)": (
            member,
            f"/tickets/{detail.number}/live/?v={ticket_version(detail)}",
            204,
        ),
        "list live poll (idle, 204)": (
            manager,
            f"/tickets/live/?page=1&v={list_version(manager)}",
            204,
        ),
        "bell poll (idle, 204)": (member, f"/notifications/bell/?n={_unread(member)}", 204),
        "feed live poll (idle, 204)": (manager, f"/activity/live/?after={newest_event()}", 204),
        "contract live poll (idle, 204)": (
            manager,
            f"/contracts/{contract.pk}/live/?v={contract_version(contract)}",
            204,
        ),
    }
