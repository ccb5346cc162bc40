"""The queue's pages, read without counting the tickets.

Django's changelist counts every ticket the filters keep, on each page: with
the open tickets of every client that count costs more than the page itself,
and grows with the whole desk. A page of the queue reads one row more than it
shows instead: that row says there is a next page. The count is known, and
shown, once a page reaches the end of the list; until then the page links go
as far as the next page.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import InvalidPage, Paginator
from django.urls import reverse
from django.utils.functional import cached_property

from .. import presence

# Stands for the ticket in the change URL reversed once per page.
_PK = "~"


class LookaheadPaginator(Paginator):
    """Pages of `object_list` that know the rows up to one past the page `number` only."""

    def __init__(self, object_list, per_page, number):
        super().__init__(object_list, per_page)
        self.number = number

    @cached_property
    def _rows(self):
        start = (self.number - 1) * self.per_page
        return list(self.object_list[start : start + self.per_page + 1])

    @cached_property
    def has_more(self) -> bool:
        """Rows follow this page."""
        return len(self._rows) > self.per_page

    @cached_property
    def count(self):
        # The rows before this page and those read: the total once nothing follows.
        return (self.number - 1) * self.per_page + len(self._rows)

    def page(self, number):
        number = self.validate_number(number)
        if number != self.number:
            return super().page(number)
        return self._get_page(self._rows[: self.per_page], number, self)


class QueueChangeList(ChangeList):
    """The changelist of the queue: one query for its page, no count.

    `count_known` says whether `result_count` is the number of tickets found or
    only those up to the row after this page (the templates of
    admin/tickets/ticket/ show a count only when it is known).
    """

    @cached_property
    def _change_url(self):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return reverse(name, args=[_PK], current_app=self.model_admin.admin_site.name)

    def url_for_result(self, result):
        # Django's URL, without reversing it for each of the row's two links.
        return self._change_url.replace(f"/{_PK}/", f"/{quote(result.pk)}/")

    def get_results(self, request):
        rows = self.queryset.defer(*self.model_admin.list_defer)
        paginator = LookaheadPaginator(rows, self.list_per_page, self.page_num)
        try:
            page = paginator.page(self.page_num)
        except InvalidPage as error:
            raise IncorrectLookupParameters from error
        self.paginator = paginator
        self.result_list = page.object_list
        # Who has each of the page's tickets open: one Redis round trip a page.
        viewers = presence.viewers_many(ticket.pk for ticket in self.result_list)
        for ticket in self.result_list:
            ticket.queue_viewers = viewers.get(ticket.pk, [])
        self.result_count = paginator.count
        self.count_known = not paginator.has_more
        self.multi_page = paginator.num_pages > 1
        # "Show all" would read every ticket found into one page.
        self.can_show_all = False
        self.show_full_result_count = False
        self.full_result_count = None
        self.show_admin_actions = True
