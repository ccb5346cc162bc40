"""Tags on tickets and links between tickets: agents' own filing, never a client's to see.

Each service is one transaction that records an INTERNAL event on the ticket
(verbs in tickets/plugin.py), so the change shows in the ticket's history for
staff and moves the live queue, and no client hears of it.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import LinkKind, Tag, Ticket, TicketLink
from .models.relations import REVERSE_LABELS
from .services import _event

TAG_MAX = 50


def _staff(by):
    if not (by.is_active and by.is_staff):
        raise ValidationError(_("Only support staff can tag or link tickets."))


def _tag_name(name) -> str:
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name:
        raise ValidationError(_("Write the tag."))
    if len(name) > TAG_MAX:
        raise ValidationError(_("A tag has at most %(count)d characters.") % {"count": TAG_MAX})
    if not slugify(name, allow_unicode=True):
        raise ValidationError(_("A tag needs a letter or a digit."))
    return name


def _tag_named(name) -> Tag:
    """The tag of that name whatever its case, made on first use."""
    found = Tag.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    base = slugify(name, allow_unicode=True)[:55]
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    # Two agents making the same new tag at once: the second waits on the
    # unique index and then finds the first's.
    with transaction.atomic():
        tag, _created = Tag.objects.get_or_create(name=name, defaults={"slug": slug})
    return tag


@transaction.atomic
def tag_add(*, ticket, name: str, by) -> Tag:
    _staff(by)
    tag = _tag_named(_tag_name(name))
    if tag.tickets.filter(pk=ticket.pk).exists():
        raise ValidationError(
            _("%(number)s is already tagged %(tag)s.") % {"number": ticket.number, "tag": tag.name}
        )
    tag.tickets.add(ticket)
    _event(ticket, by, "ticket_tag_added", internal=True, tag=tag.name)
    return tag


@transaction.atomic
def tag_remove(*, ticket, tag, by) -> None:
    _staff(by)
    if not tag.tickets.filter(pk=ticket.pk).exists():
        raise ValidationError(
            _("%(number)s is not tagged %(tag)s.") % {"number": ticket.number, "tag": tag.name}
        )
    tag.tickets.remove(ticket)
    _event(ticket, by, "ticket_tag_removed", internal=True, tag=tag.name)


def _between(a, b):
    return TicketLink.objects.filter(Q(from_ticket=a, to_ticket=b) | Q(from_ticket=b, to_ticket=a))


@transaction.atomic
def link_add(*, ticket, other, kind: str, by) -> TicketLink:
    """`ticket` <kind> `other`: each ticket's history tells it from its own side."""
    _staff(by)
    if kind not in LinkKind.values:
        raise ValidationError(_("Choose how the tickets are linked."))
    if other.pk == ticket.pk:
        raise ValidationError(_("A ticket cannot be linked to itself."))
    # The pair locked in id order: two agents linking the same two tickets
    # at once make one link, and never deadlock.
    list(Ticket.objects.select_for_update().filter(pk__in=[ticket.pk, other.pk]).order_by("pk"))
    if _between(ticket, other).exists():
        raise ValidationError(
            _("%(number)s and %(other)s are already linked.")
            % {"number": ticket.number, "other": other.number}
        )
    link = TicketLink.objects.create(from_ticket=ticket, to_ticket=other, kind=kind, created_by=by)
    _event(ticket, by, "ticket_linked", internal=True, kind=kind, other=other.number)
    _event(other, by, "ticket_linked", internal=True, kind=f"{kind}:reverse", other=ticket.number)
    return link


@transaction.atomic
def link_remove(*, link, by) -> None:
    _staff(by)
    ticket, other = link.from_ticket, link.to_ticket
    deleted, _rows = TicketLink.objects.filter(pk=link.pk).delete()
    if not deleted:
        raise ValidationError(_("These tickets are no longer linked."))
    _event(ticket, by, "ticket_unlinked", internal=True, other=other.number)
    _event(other, by, "ticket_unlinked", internal=True, other=ticket.number)


def link_label(kind: str) -> str:
    """A link's words as its event stores them: "blocks", or "blocks:reverse" for "blocked by"."""
    base, _sep, side = kind.partition(":")
    try:
        kind = LinkKind(base)
    except ValueError:
        return base
    return str(REVERSE_LABELS[kind] if side == "reverse" else kind.label)


def links_of(ticket) -> list[tuple[str, Ticket, TicketLink]]:
    """The ticket's links read from its side: (words, other ticket, link), by the other's number."""
    rows = TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket)).select_related(
        "from_ticket", "to_ticket"
    )
    found = []
    for link in rows:
        if link.from_ticket_id == ticket.pk:
            found.append((link_label(link.kind), link.to_ticket, link))
        else:
            found.append((link_label(f"{link.kind}:reverse"), link.from_ticket, link))
    return sorted(found, key=lambda row: row[1].number)
