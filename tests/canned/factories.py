"""Canned replies and signatures for the tests, with every language given by keyword."""

from canned.models import CannedReply, Scope, Signature


def _columns(field, versions):
    return {(field if code == "en" else f"{field}_{code}"): text for code, text in versions.items()}


def make_reply(*, scope=Scope.EVERYONE, owner=None, group=None, title=None, body=None, **extra):
    """A saved, validated reply; `title`/`body` are {language: text} (English by default)."""
    reply = CannedReply(
        scope=scope,
        owner=owner,
        group=group,
        **_columns("title", title or {"en": "Greeting"}),
        **_columns("body", body or {"en": "Hello {client_first_name}"}),
        **extra,
    )
    reply.full_clean()
    reply.save()
    return reply


def make_signature(user, **versions):
    return Signature.objects.create(user=user, **_columns("text", versions))
