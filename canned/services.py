"""Reading canned replies for a ticket: in the client's language, placeholders filled.

The client is the ticket's requester: a reply is picked in their language and,
missing that, as every staff-configured text falls back (their organisation's
language, English, any). The SLA deadline is written as they read dates: their
language's format, their time zone.
"""

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext

from accounts.configtext import ALL, column, organisation_language
from core import i18n

from . import placeholders
from .models import SCOPE_RANK, CannedReply, Signature

SEARCH_LIMIT = 10
PREVIEW_LENGTH = 140


def client_of(ticket):
    return ticket.requester


def client_language(ticket) -> str:
    return i18n.base_language(client_of(ticket).language)


def in_client_language(ticket):
    """The fallback of `tr()` through the ticket's organisation, for the client's texts."""
    return organisation_language(ticket.organisation.default_language)


def sla_deadline_text(ticket) -> str:
    client = client_of(ticket)
    time_zone = client.timezone or ticket.organisation.timezone
    with i18n.override(client.language, time_zone):
        if ticket.sla_due_at is None:
            return gettext("no deadline pending")
        return formats.date_format(timezone.localtime(ticket.sla_due_at), "DATETIME_FORMAT")


def values_for(ticket, agent) -> dict[str, str]:
    client = client_of(ticket)
    name = (client.get_full_name() or "").strip()
    return {
        "client_name": name,
        "client_first_name": name.split()[0] if name else "",
        "ticket_number": ticket.number,
        "ticket_subject": ticket.subject,
        "organisation": ticket.organisation.name,
        "agent_name": (agent.get_full_name() or "").strip() or agent.email,
        "sla_deadline": sla_deadline_text(ticket),
    }


def render(reply: CannedReply, ticket, agent, values: dict | None = None) -> dict:
    """{title, text} of `reply` for `ticket`'s client, placeholders filled."""
    language = client_language(ticket)
    with in_client_language(ticket):
        body_language = reply.body_language(language)
        title = reply.tr("title", language)
        body = reply.version("body", body_language)
    text = placeholders.fill(body, values if values is not None else values_for(ticket, agent))
    return {"title": title, "text": text, "language": body_language}


def _searched(queryset, q: str):
    words = q.split()
    for word in words[:5]:
        match = Q()
        for field in ("title", "body"):
            for code in ALL:
                match |= Q(**{f"{column(field, code)}__unaccent__icontains": word})
        queryset = queryset.filter(match)
    return queryset


def search(user, ticket, q: str = "") -> list[dict]:
    """Up to ten of `user`'s replies matching `q` in any language; personal ones first."""
    queryset = CannedReply.objects.visible_to(user)
    q = (q or "").strip()[:100]
    if q:
        queryset = _searched(queryset, q)
    # Ranked by scope then use: in SQL, so the ten are the right ten.
    rank = Case(
        *[When(scope=scope, then=Value(n)) for scope, n in SCOPE_RANK.items()],
        output_field=IntegerField(),
    )
    ordered = queryset.annotate(rank=rank).order_by("rank", "-uses", "title", "pk")
    replies = list(ordered[:SEARCH_LIMIT])
    values = values_for(ticket, user)
    found = []
    for reply in replies:
        shown = render(reply, ticket, user, values)
        preview = " ".join(shown["text"].split())
        if len(preview) > PREVIEW_LENGTH:
            preview = preview[: PREVIEW_LENGTH - 1].rstrip() + "…"
        found.append(
            {
                "id": reply.pk,
                "title": shown["title"],
                "preview": preview,
                "scope": reply.scope,
                "scope_label": str(reply.get_scope_display()),
            }
        )
    return found


def record_use(reply: CannedReply) -> None:
    # One UPDATE, so two agents inserting it at once both count.
    CannedReply.objects.filter(pk=reply.pk).update(uses=F("uses") + 1)


def signature_for(agent, ticket) -> str:
    """The agent's signature in the ticket's client's language (as texts fall back), or ''."""
    signature = Signature.objects.filter(user=agent).first()
    if signature is None:
        return ""
    with in_client_language(ticket):
        return signature.tr("text", client_language(ticket))
