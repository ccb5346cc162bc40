"""Who may act for which organisation, and as what.

`Organisation.objects.visible_to(user)` is the scoping entry point; this module
turns it into the per-request picture (the organisations a user can switch
between, the active one and the user's role in it) and offers the subqueries
that other apps' `visible_to()` methods build on.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404

from .models import PARTNER, Membership, Organisation, PartnerAssignment, Role

SESSION_KEY = "active_organisation_id"


@dataclass
class PortalAccess:
    organisations: list[Organisation] = field(default_factory=list)
    active: Organisation | None = None

    @property
    def role(self) -> str | None:
        return self.active.role if self.active else None

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_partner(self) -> bool:
        return self.role == PARTNER

    @property
    def sees_whole_organisation(self) -> bool:
        """Managers and partners see every ticket of the organisation; members their own."""
        return self.role in (Role.MANAGER, PARTNER)


def require_manager(request):
    """The active organisation, for the pages only its managers have (team, security).

    Anyone else, staff included, gets a 404, never a 403: the pages do not exist for them.
    """
    if request.user.is_staff or not request.access.is_manager:
        raise Http404
    return request.access.active


def organisations_for(user) -> list[Organisation]:
    """The user's organisations, each annotated with `role` (member, manager, partner)."""
    role = Membership.objects.filter(organisation=OuterRef("pk"), user=user, is_active=True).values(
        "role"
    )[:1]
    orgs = list(Organisation.objects.visible_to(user).annotate(membership_role=Subquery(role)))
    for org in orgs:
        org.role = org.membership_role or PARTNER
    return orgs


def load_access(user, wanted_id: int | None) -> PortalAccess:
    orgs = organisations_for(user)
    active = next((o for o in orgs if o.pk == wanted_id), orgs[0] if orgs else None)
    return PortalAccess(organisations=orgs, active=active)


def whole_organisation_q(user, field: str = "organisation") -> Q:
    """Rows whose `field` is an organisation where `user` sees everything.

    Managers and partners (for their assigned clients) see the whole
    organisation; other apps combine this with their own member rule.
    """
    managed = Membership.objects.filter(
        user=user, is_active=True, role=Role.MANAGER, organisation__is_active=True
    ).values("organisation_id")
    condition = Q(**{f"{field}__in": managed})
    if user.partner_id:
        assigned = PartnerAssignment.objects.filter(
            partner_id=user.partner_id, partner__is_active=True, organisation__is_active=True
        ).values("organisation_id")
        condition |= Q(**{f"{field}__in": assigned})
    return condition


def member_q(user, field: str = "organisation") -> Q:
    """Rows whose `field` is an organisation where `user` is an active member."""
    orgs = Membership.objects.filter(
        user=user, is_active=True, organisation__is_active=True
    ).values("organisation_id")
    return Q(**{f"{field}__in": orgs})
