"""The agents' queue reads the clocks of the tickets on its page, not every clock there is.

An EXISTS in the select list may be planned as a hashed subplan that reads the
whole clock table to mark a page of 50 tickets: on the bench (300,000 clocks)
that was 200 ms of the queue's 238. sla.queries.with_marks asks per row instead.
"""

from datetime import timedelta

from django.utils import timezone

from tests.plans import analyze, reads_of
from tests.sla.factories import bulk_clocks, make_policy

PAGE = 50
CLOCKS_PER_TICKET = 3
# with_marks' four per-ticket questions, each one index probe over a ticket's clocks.
QUESTIONS = 4


def test_the_queue_reads_its_pages_clocks_however_many_there_are(client_for, world):
    policy = make_policy()
    now = timezone.now()
    breached = {"breached_at": now - timedelta(hours=1), "met_at": now}
    bulk_clocks(policy, 300, organisation=world.org, requester=world.member, **breached)
    analyze()
    client = client_for(world.agent)

    def clock_rows():
        reads = reads_of(lambda: client.get("/admin/tickets/ticket/?status=all"))
        return reads.of("sla_ticketclock"), reads

    before, reads = clock_rows()
    bound = (PAGE + 1) * CLOCKS_PER_TICKET * QUESTIONS
    assert before <= bound, reads.reading("sla_ticketclock", bound)

    bulk_clocks(
        policy,
        3_000,
        organisation=world.other_org,
        requester=world.outsider,
        prefix="MORE",
        **breached,
    )
    analyze()
    after, reads = clock_rows()
    assert after <= bound, reads.reading("sla_ticketclock", bound)
