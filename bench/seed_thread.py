"""A long thread for `make bench`: one ticket of bench-0's member persona with
THREAD_REPLIES public replies, THREAD_NOTES internal notes among them and an
attachment every ATTACH_EVERY messages, in progress and assigned to the agent
persona. The agents' ticket workspace is measured on it ("admin ticket page (100
replies)") beside the detail ticket's five, so that a query per message shows.

Written once (found again by its subject), before the generated tickets: it takes
its number where the numbering is, and the loader counts it among BENCH_TICKETS
and continues the numbering after it. On a database seeded before it existed, it
is added on top. Rows only, as the loader writes them: no event, no file.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

THREAD_REPLIES = 100
THREAD_NOTES = 12
ATTACH_EVERY = 7
SUBJECT = "Bench: the branch link that keeps dropping (a long thread)"
YEAR = 2026  # as bench/seed.py numbers its tickets


def thread_ticket():
    from tickets.models import Ticket

    return Ticket.objects.filter(organisation__slug="bench-0", subject=SUBJECT).first()


@transaction.atomic
def seed(agents) -> bool:
    """Add the long thread if it is not there; False when it is."""
    from accounts.models import Membership
    from tickets.models import Attachment, Comment, Ticket

    with connection.cursor() as cursor:
        # Two `make bench` at once must not both write it.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.thread'))")
    if thread_ticket() is not None:
        return False
    member = (
        Membership.objects.filter(organisation__slug="bench-0", role="member")
        .select_related("user", "organisation")
        .order_by("pk")
        .first()
    )
    requester, agent = member.user, agents[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tickets_ticketnumber (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = tickets_ticketnumber.last + 1 "
            "RETURNING last",
            [YEAR],
        )
        (number,) = cursor.fetchone()
    now = timezone.now()
    created = now - timedelta(days=40)
    messages = THREAD_REPLIES + THREAD_NOTES
    step = (now - timedelta(hours=1) - created) / messages
    # Public replies alternate client and agent; the notes are spread evenly among them.
    spacing = messages // THREAD_NOTES
    notes_at = {spacing // 2 + spacing * n for n in range(THREAD_NOTES)}
    plan = [(created + step * (k + 1), k in notes_at) for k in range(messages)]
    public = 0
    comments = []
    for when, internal in plan:
        if internal:
            author, body = agent, f"Checked the line from the NOC again ({when:%d %b}): errors."
        else:
            by_client = public % 2 == 0
            author = requester if by_client else agent
            body = (
                f"It dropped again at {when:%H:%M}; the lights on the modem blink orange."
                if by_client
                else f"Reply {public + 1}: we reset the port and are watching the line."
            )
            public += 1
        comments.append(Comment(author=author, body=body, is_internal=internal, created_at=when))
    last_client = max(c.created_at for c in comments if c.author_id == requester.pk)
    ticket = Ticket.objects.create(
        organisation=member.organisation,
        number=f"TKT-{YEAR}-{number:05d}",
        priority="high",
        status="in_progress",
        subject=SUBJECT,
        description="The link at the branch drops several times a day since the storm.",
        requester=requester,
        assignee=agent,
        created_at=created,
        updated_at=comments[-1].created_at,
        last_activity_at=comments[-1].created_at,
        last_client_activity_at=last_client,
        public_reply_count=public,
    )
    for comment in comments:
        comment.ticket = ticket
    comments = Comment.objects.bulk_create(comments)
    Attachment.objects.bulk_create(
        Attachment(
            ticket=ticket,
            comment=comment,
            uploaded_by_id=comment.author_id,
            file=f"attachments/{ticket.pk}/bench/line-{k}.txt",
            name=f"line-{k}.txt",
            content_type="text/plain",
            size=2_000 + k,
            sha256=f"{k:064x}",
            is_internal=comment.is_internal,
            created_at=comment.created_at,
        )
        for k, comment in enumerate(comments)
        if k % ATTACH_EVERY == 0
    )
    return True
