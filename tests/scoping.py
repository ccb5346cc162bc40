"""The scoping harness: every portal URL that carries an object id, and how to
build an object for it inside `world.org`.

Each app adds its URLs to CASES. tests/test_scoping.py checks that every
portal URL with a parameter is listed here (or in CAPABILITY_URLS with a
reason), and that each one is a 404 for a manager of another organisation and
for a partner not assigned to `world.org`, and a login redirect for anonymous.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.factories import InvitationFactory


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Callable  # (world) -> reverse() kwargs for an object of world.org
    method: str = "get"
    # The persona for whom the URL is in scope: proves the 404s are not an accident.
    insider: str = "manager"


CASES = [
    Case("accounts:organisation_switch", lambda w: {"organisation_id": w.org.pk}, "post"),
    Case(
        "accounts:member_role",
        lambda w: {"membership_id": w.member.memberships.get().pk},
        "post",
    ),
    Case(
        "accounts:member_deactivate",
        lambda w: {"membership_id": w.member.memberships.get().pk},
        "post",
    ),
    Case(
        "accounts:member_reactivate",
        lambda w: {"membership_id": w.member.memberships.get().pk},
        "post",
    ),
    Case(
        "accounts:invitation_revoke",
        lambda w: {"invitation_id": InvitationFactory(organisation=w.org).pk},
        "post",
    ),
]

# URLs whose parameter is an unguessable signed token rather than an object id:
# whoever holds the link may open it, so the harness cannot demand a 404.
CAPABILITY_URLS = {
    "accounts:invitation_accept": "signed invitation link (tested in tests/accounts)",
    "accounts:password_reset_confirm": "Django's signed password reset link",
}
