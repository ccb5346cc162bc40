"""What the system writes into a ticket's thread, worded for each reader.

A system message is a Comment with a `verb` and its `data`; its sentence is
written here at read time, in the reader's language (the portal, the admin),
never stored in the language of whoever acted. `body` keeps only people's own
words, as they wrote them.

Merges: who may read what, on the surviving ticket.
- The duplicate's description and its attachments become a message of the
  survivor's thread, for everyone who can read the survivor. Merging is a staff
  decision that the two tickets are one conversation, the same decision that
  already moves the duplicate's replies; the client's words are not lost.
- The duplicate's number and subject are shown only to a reader who can see the
  duplicate itself (its requester and watchers, who also follow the survivor
  from then on; the organisation's managers and partners; staff). Anyone else
  (a member who requested or watches only the survivor) reads "a duplicate
  ticket", with no number, subject or link: a private ticket's title is not
  theirs to read, and its number would only lead to a 404.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

MERGED_IN = "ticket_merged_in"
# Escalations are a state of the ticket now and write nothing into its thread;
# this verb only words the comments older escalations left there (migration
# tickets/0010), with the client's reason in `data`.
ESCALATED = "ticket_escalated"
# A client's message split out into a ticket of its own (tickets/desk.py): the
# old thread says where it went, the new one where it came from. The same rule
# as merges decides who reads the other ticket's number.
SPLIT_OUT = "ticket_split_out"
SPLIT_FROM = "ticket_split_from"
SPLITS = (SPLIT_OUT, SPLIT_FROM)


@dataclass(frozen=True)
class Note:
    text: str
    url: str = ""


def merge_data(source) -> dict:
    return {"ticket_id": source.pk, "number": source.number, "subject": source.subject}


def split_data(other) -> dict:
    return {"ticket_id": other.pk, "number": other.number}


def _split_note(comment, *, visible_ids, staff: bool) -> Note:
    data = comment.data or {}
    ticket_id = data.get("ticket_id")
    if staff or ticket_id in visible_ids:
        url = (
            reverse("admin:tickets_ticket_change", args=[ticket_id])
            if staff
            else reverse("tickets:detail", args=[data.get("number", "")])
        )
        named = {"number": data.get("number", "")}
        if comment.verb == SPLIT_OUT:
            return Note(_("A message of this ticket now continues as %(number)s.") % named, url)
        return Note(_("This ticket was opened from a message of %(number)s.") % named, url)
    if comment.verb == SPLIT_OUT:
        return Note(_("A message of this ticket now continues as a ticket of its own."))
    return Note(_("This ticket was opened from a message of another ticket."))


def note_for(comment, *, visible_ids, staff: bool = False) -> Note | None:
    """The sentence of a system comment for one reader; None for a person's message.

    `visible_ids` are the ids of the tickets this reader may open (staff see all).
    """
    data = comment.data or {}
    if comment.verb == ESCALATED:
        return Note(_("Escalation requested: %(reason)s") % {"reason": data.get("reason", "")})
    if comment.verb in SPLITS:
        return _split_note(comment, visible_ids=visible_ids, staff=staff)
    if comment.verb != MERGED_IN:
        return None
    ticket_id = data.get("ticket_id")
    # Merges recorded before the duplicate's description moved into the thread
    # (migration tickets/0010) have no body: their sentence announces nothing more.
    described = bool(comment.body)
    if staff or (ticket_id is not None and ticket_id in visible_ids):
        # A legacy merge whose duplicate was not found by its number has no link.
        url = ""
        if ticket_id is not None:
            url = (
                reverse("admin:tickets_ticket_change", args=[ticket_id])
                if staff
                else reverse("tickets:detail", args=[data.get("number", "")])
            )
        named = {"number": data.get("number", ""), "subject": data.get("subject", "")}
        if described:
            text = _("%(number)s (%(subject)s) was merged into this ticket. Its description:")
        else:
            text = _("%(number)s (%(subject)s) was merged into this ticket.")
        return Note(text % named, url)
    if described:
        return Note(_("A duplicate ticket was merged into this one. Its description:"))
    return Note(_("A duplicate ticket was merged into this one."))


def annotate(comments, user) -> list:
    """Set `note` on each comment, as `user` may read it: one query, whatever the thread."""
    from .models import Ticket

    comments = list(comments)
    wanted = {c.data.get("ticket_id") for c in comments if c.verb in (MERGED_IN, *SPLITS)}
    wanted.discard(None)
    visible = set()
    if wanted and not user.is_staff:
        visible = set(
            Ticket.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True)
        )
    for comment in comments:
        comment.note = note_for(comment, visible_ids=visible, staff=user.is_staff)
    return comments
