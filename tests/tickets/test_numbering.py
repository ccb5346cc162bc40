"""Ticket numbers: TKT-YYYY-NNNNN, restarting every year, unique under concurrency."""

import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import OrganisationFactory, member_of
from tickets import services
from tickets.models import Ticket, TicketNumber

NUMBER = re.compile(r"^TKT-(\d{4})-(\d{5})$")


def _open(organisation, requester, n=0):
    return services.ticket_open(
        organisation=organisation,
        requester=requester,
        subject=f"No link at site {n}",
        description="The branch has had no connection since this morning.",
    )


def test_number_has_the_year_and_five_digits(world):
    ticket = _open(world.org, world.member)

    match = NUMBER.match(ticket.number)
    assert match, ticket.number
    assert int(match[1]) == timezone.now().year


def test_numbers_follow_each_other(world):
    first = _open(world.org, world.member)
    second = _open(world.other_org, world.outsider)  # one sequence for every organisation

    assert int(NUMBER.match(second.number)[2]) == int(NUMBER.match(first.number)[2]) + 1


def test_each_year_restarts_at_one(db):
    assert services._next_number(datetime(2031, 12, 31, 23, 59, tzinfo=UTC)) == "TKT-2031-00001"
    assert services._next_number(datetime(2031, 6, 1, tzinfo=UTC)) == "TKT-2031-00002"
    assert services._next_number(datetime(2032, 1, 1, tzinfo=UTC)) == "TKT-2032-00001"
    assert services._next_number(datetime(2031, 1, 1, tzinfo=UTC)) == "TKT-2031-00003"
    assert TicketNumber.objects.get(year=2032).last == 1


def test_numbers_beyond_five_digits_still_sort_by_year(db):
    TicketNumber.objects.create(year=2033, last=99_999)
    assert services._next_number(datetime(2033, 5, 1, tzinfo=UTC)) == "TKT-2033-100000"


THREADS, PER_THREAD = 8, 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_numbers_without_gaps():
    organisation = OrganisationFactory()
    requester = member_of(organisation)
    year = timezone.now().year
    start = TicketNumber.objects.filter(year=year).values_list("last", flat=True).first() or 0
    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(worker: int):
        try:
            barrier.wait()
            for n in range(PER_THREAD):
                number = _open(organisation, requester, worker * 100 + n).number
                with lock:
                    numbers.append(number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection: give it back

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(numbers) == len(set(numbers)) == THREADS * PER_THREAD
    sequence = sorted(int(NUMBER.match(number)[2]) for number in numbers)
    assert sequence == list(range(start + 1, start + THREADS * PER_THREAD + 1))
    assert TicketNumber.objects.get(year=year).last == start + THREADS * PER_THREAD
    assert Ticket.objects.filter(organisation=organisation).count() == THREADS * PER_THREAD
