"""The accounts URLs of the scoping harness (tests/scoping.py)."""

import secrets

from accounts.models import SecurityKey
from tests.accounts.second_factor import other_session
from tests.factories import InvitationFactory
from tests.scoping import Case

CASES = [
    Case("accounts:organisation_switch", lambda w: {"organisation_id": w.org.pk}, "post"),
    Case(
        "accounts:member_role",
        lambda w: {"membership_id": w.member.memberships.get().pk},
        "post",
        data=lambda w, kw: {"role": "manager"},
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
    # A browser where the manager is logged in, seen from another one of theirs.
    Case("accounts:session_end", lambda w: {"session_id": other_session(w.manager).pk}, "post"),
    # One of the manager's security keys (removing it is a redirect to the security page).
    Case(
        "accounts:security_key_remove",
        lambda w: {
            "key_id": SecurityKey.objects.create(
                user=w.manager,
                name="YubiKey",
                credential_id=secrets.token_urlsafe(16),
                public_key=b"\x00",
            ).pk
        },
        "post",
    ),
]

# URLs whose parameter is an unguessable signed token rather than an object id:
# whoever holds the link may open it, so the harness cannot demand a 404.
CAPABILITY_URLS = {
    "accounts:invitation_accept": "signed invitation link (tested in tests/accounts)",
    "accounts:password_reset_confirm": "Django's signed password reset link",
}
