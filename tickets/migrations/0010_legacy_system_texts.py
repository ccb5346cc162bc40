"""Old system texts in ticket threads become notes worded for each reader.

Before 0006/0007 an escalation and a merge each wrote a plain comment whose
sentence was in the language of whoever acted ("Escalamiento solicitado: ...",
"TKT-... (...) se fusionó con este ticket."), and an escalation left the
ticket's escalated_by and escalation_reason empty. This turns those rows into
what the current code writes:
- a ticket escalated the old way gets its escalator and reason from its latest
  `ticket_escalated` event;
- the escalation comment (that event's target) keeps its author, date and place
  in the thread but its sentence moves to verb "ticket_escalated" and
  data {"reason"}, worded at read time by tickets/notes.py;
- a merge comment, recognised by its sentence in any of the four languages,
  gets verb "ticket_merged_in" and data {"ticket_id", "number", "subject"}.
Rows already converted (or written by the current code) are left alone, so it
can run again. Reversing leaves the converted rows as they are: the sentences
in the actor's language are what this fixes.
"""

import re

from django.db import migrations
from django.db.models import Q

BATCH = 500

# Kept here rather than imported: a migration must not change when the code does.
ESCALATED = "ticket_escalated"
MERGED_IN = "ticket_merged_in"

# "Escalation requested: %(reason)s" in en, es, pt and fr (catalogs at 2d742b0;
# French with the non-breaking space before the colon, or a plain one).
ESCALATION_SENTENCE = re.compile(
    r"\A(?:Escalation requested: |Escalamiento solicitado: |Escalonamento solicitado: "
    r"|Escalade demandée[\u00a0 ]: )(?P<reason>.*)\Z",
    re.DOTALL,
)
# "%(number)s (%(subject)s) was merged into this ticket." in en, es, pt and fr.
MERGE_ENDINGS = (
    ") was merged into this ticket.",
    ") se fusionó con este ticket.",
    ") foi mesclado neste chamado.",
    ") a été fusionné dans ce ticket.",
)
MERGE_SENTENCE = re.compile(
    r"\A(?P<number>\S+) \((?P<subject>.*)(?:"
    + "|".join(re.escape(ending) for ending in MERGE_ENDINGS)
    + r")\Z",
    re.DOTALL,
)


def _batches(queryset):
    """Rows of `queryset` by ascending pk, BATCH at a time (pk-keyed, so rows
    that stop matching once converted never shift a page)."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _escalation_tickets(apps):
    Ticket = apps.get_model("tickets", "Ticket")
    Event = apps.get_model("activity", "Event")
    limit = Ticket._meta.get_field("escalation_reason").max_length
    pending = Ticket.objects.filter(escalated_at__isnull=False, escalated_by__isnull=True)
    for tickets in _batches(pending):
        # Events name their ticket by number (tickets.services._data), not by a key.
        latest = {}
        events = Event.objects.filter(
            verb=ESCALATED,
            organisation_id__in={t.organisation_id for t in tickets},
            data__number__in=[t.number for t in tickets],
        ).order_by("created_at", "pk")
        for event in events:
            latest[(event.organisation_id, event.data.get("number"))] = event
        changed = []
        for ticket in tickets:
            event = latest.get((ticket.organisation_id, ticket.number))
            if event is None:
                continue
            reason = str(event.data.get("reason") or "")
            ticket.escalated_by_id = event.actor_id
            ticket.escalation_reason = reason[:limit] if limit else reason
            changed.append(ticket)
        Ticket.objects.bulk_update(changed, ["escalated_by", "escalation_reason"])


def _escalation_comments(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Comment = apps.get_model("tickets", "Comment")
    Event = apps.get_model("activity", "Event")
    comment_type = ContentType.objects.filter(app_label="tickets", model="comment").first()
    if comment_type is None:
        return  # A database that never had a comment has nothing to convert.
    events = Event.objects.filter(verb=ESCALATED, target_type=comment_type)
    for page in _batches(events):
        ids = [int(e.target_id) for e in page if e.target_id.isdigit()]
        changed = []
        for comment in Comment.objects.filter(pk__in=ids, verb=""):
            match = ESCALATION_SENTENCE.match(comment.body)
            if match is None:
                continue  # Not the sentence the old code wrote: a person's words stay.
            comment.verb = ESCALATED
            comment.data = {"reason": match["reason"]}
            comment.body = ""
            changed.append(comment)
        Comment.objects.bulk_update(changed, ["verb", "data", "body"])


def _merge_comments(apps):
    Comment = apps.get_model("tickets", "Comment")
    Ticket = apps.get_model("tickets", "Ticket")
    endings = Q()
    for ending in MERGE_ENDINGS:
        endings |= Q(body__endswith=ending)
    candidates = Comment.objects.filter(endings, verb="")
    for page in _batches(candidates.select_related("ticket")):
        found = [(c, MERGE_SENTENCE.match(c.body)) for c in page]
        found = [(c, m) for c, m in found if m is not None]
        ids = {
            (t.organisation_id, t.number): t.pk
            for t in Ticket.objects.filter(number__in=[m["number"] for _c, m in found])
        }
        for comment, match in found:
            comment.verb = MERGED_IN
            comment.data = {
                "ticket_id": ids.get((comment.ticket.organisation_id, match["number"])),
                "number": match["number"],
                "subject": match["subject"],
            }
            comment.body = ""
        Comment.objects.bulk_update([c for c, _m in found], ["verb", "data", "body"])


def convert(apps, schema_editor):
    _escalation_tickets(apps)
    _escalation_comments(apps)
    _merge_comments(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_configtext_field_help_and_choices"),
        ("activity", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(convert, migrations.RunPython.noop),
    ]
