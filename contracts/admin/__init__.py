"""Contracts in the admin: services, contracts and their hours banks, time entries, objectives.

By subdomain (Django autodiscovers this package):

- service: ServiceAdmin, services named in each language;
- bank: the hours bank periods, read-only (their list and the contract's inline);
- contract: ContractAdmin and its form, with the hours bank;
- time_entries: TimeEntryAdmin, written through contracts.services, and the
  earlier versions of an entry;
- objectives: ObjectiveAdmin, the objectives of a contract and their tickets;
- ticket_time: the time spent on the agents' ticket page (a part of the ticket
  admin, tickets/parts.py, added in contracts.apps);
- durations: time spent as agents type and read it;
- common: the stylesheet they share.

Importing the submodules registers their admins, in the order contracts/admin.py did.
"""

# The registrations keep the order of contracts/admin.py.
# isort: off
from .service import ServiceAdmin
from .bank import PERIOD_FIGURES, BankPeriodAdmin, BankPeriodInline
from .contract import BANK_FIELDS, ContractAdmin, ContractForm
from .time_entries import TimeEntryAdmin, TimeEntryForm, TimeEntryRevisionInline
from .objectives import ObjectiveAdmin, ObjectiveForm, OrganisationTicketsSelect

# isort: on
from .common import ADMIN_CSS

__all__ = [
    "ADMIN_CSS",
    "BANK_FIELDS",
    "PERIOD_FIGURES",
    "BankPeriodAdmin",
    "BankPeriodInline",
    "ContractAdmin",
    "ContractForm",
    "ObjectiveAdmin",
    "ObjectiveForm",
    "OrganisationTicketsSelect",
    "ServiceAdmin",
    "TimeEntryAdmin",
    "TimeEntryForm",
    "TimeEntryRevisionInline",
]
