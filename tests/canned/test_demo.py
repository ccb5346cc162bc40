"""The demo's canned replies and signatures: in all four languages, refreshed in place."""

from types import SimpleNamespace

from accounts import demo as accounts_demo
from canned.demo import run
from canned.models import CannedReply, Scope, Signature


def test_demo_replies_and_signatures_in_every_language(db):
    demo = SimpleNamespace(
        organisations={}, users={}, logins=[], notes=[], password="", first_load=True
    )
    accounts_demo.load(demo)
    run(demo)
    run(demo)  # twice: nothing doubled
    replies = list(CannedReply.objects.all())
    assert len(replies) == 4
    assert {reply.scope for reply in replies} == {Scope.TEAM, Scope.EVERYONE}
    for reply in replies:
        reply.full_clean()
        assert reply.missing_languages() == [], reply
    assert any("{sla_deadline}" in reply.body_fr for reply in replies)
    for email in ("agent@support.example", "supervisor@support.example"):
        signature = Signature.objects.get(user__email=email)
        assert signature.missing_languages() == []
