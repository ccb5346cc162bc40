"""Invitation links.

The token is the invitation id signed with SECRET_KEY, so the e-mail task can
rebuild the link from the id alone and nothing secret is stored or queued.
Expiry, acceptance and revocation are checked against the database row.
"""

from django.core import signing

_SALT = "accounts.invitation"


def invitation_token(invitation) -> str:
    return signing.dumps(invitation.pk, salt=_SALT)


def invitation_id_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
