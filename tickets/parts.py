"""Where the apps above tickets add to its pages, without tickets importing them.

sla shows the deadlines on the client's ticket list and page and in the agents'
queue and ticket page; contracts adds the time spent to the agents' ticket page.
Each subclasses TicketPart, overrides the hooks it needs (every default adds
nothing) and adds an instance from its AppConfig.ready():

    from tickets import parts
    parts.add(SlaPart())

The pages call the hooks of every part, in the order the parts were added, each
at one fixed place. The client's pages (tickets/views.py):
- list_column(tickets): a column of the ticket list, before "Last update": a
  Panel whose template has the partials "head" (its <th>) and "cell" (its <td>
  for `ticket`);
- side_panel(request, ticket): a card at the top of the ticket page's side column;
- new_ticket_fields(request, organisation): fields of the new-ticket form, after
  its own and before its button: a Panel whose context holds "form", a form of the
  part's own (bound to request.POST with its own prefix). It is validated with
  the ticket's form (an error there keeps everything typed), and
  new_ticket_save(request, ticket, form) saves it in the ticket's transaction (a
  ValidationError undoes the ticket and shows the message);
- new_ticket_panel(request, organisation): a card beside the new-ticket form,
  above "Before you send"; its template may listen to the form's fields
  (#id_subject, #id_description, #id_request_type) with htmx.
The agents' admin (tickets/admin):
- queue_columns, queue_filters: queue columns (names of the part's
  admin.display methods) and list filters, right after the priority's;
- annotate(queryset): what those read, in the queue's one query;
- ticket_fields: read-only fields of the ticket page (names of the part's
  admin.display methods), right after its number and status;
- ticket_form(request, ticket): a form class whose fields join the ticket's
  form, shown in the part's ticket_fieldsets() (before the history) and saved
  by its save() in the admin's transaction, after the reply and note and before
  the status; a ValidationError({field: message}) from save() undoes the whole
  submission and shows the message on the form;
- ticket_panels(request, ticket): read-only blocks between the page's fieldsets;
- composer_tools(request, ticket, kind): a Panel inside the reply form
  (kind "reply") and the internal-note form (kind "note"), above its text box,
  whose <textarea> carries data-composer="<kind>" and data-ticket="<pk>": the
  canned replies' picker;
- reply_signature(request, ticket): text put after every public reply the agent
  sends from the ticket page, shown under the reply box before it is sent;
- context_card(request, ticket): a card of the client's context in the ticket
  page's side column, under the client's other tickets (their contract and
  hours left, their SLA policy, their managed resources).
A Panel's `context` is in its page's context under its `name`, where its
template and the tests find it.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    """A template a part adds to a page, and what it shows."""

    name: str
    template: str
    context: Any
    # On the agents' ticket page: the class of the fieldset it comes before.
    before: str = ""


class TicketPart:
    key = ""  # adding a part with the same key again replaces it

    # --- The client's pages ---

    def list_column(self, tickets) -> Panel | None:
        return None

    def side_panel(self, request, ticket) -> Panel | None:
        return None

    def new_ticket_fields(self, request, organisation) -> Panel | None:
        return None

    def new_ticket_save(self, request, ticket, form) -> None:
        pass

    def new_ticket_panel(self, request, organisation) -> Panel | None:
        return None

    # --- The agents' admin: the queue ---

    queue_columns: tuple[str, ...] = ()
    queue_filters: tuple = ()

    def annotate(self, queryset):
        return queryset

    # --- The agents' admin: the ticket page ---

    ticket_fields: tuple[str, ...] = ()

    def ticket_form(self, request, ticket):
        return None

    def ticket_fieldsets(self, request, ticket) -> list:
        return []

    def save(self, request, ticket, form) -> None:
        pass

    def ticket_panels(self, request, ticket) -> list[Panel]:
        return []

    def composer_tools(self, request, ticket, kind: str) -> Panel | None:
        return None

    def reply_signature(self, request, ticket) -> str:
        return ""

    def context_card(self, request, ticket) -> Panel | None:
        return None


_parts: dict[str, TicketPart] = {}


def add(part: TicketPart) -> None:
    # AppConfig.ready() runs again when a test changes INSTALLED_APPS: replace, never repeat.
    _parts[part.key or type(part).__qualname__] = part


def parts() -> list[TicketPart]:
    return list(_parts.values())
