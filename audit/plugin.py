"""What the audit trail adds to the shared parts (core/plugins.py): who reads it, its demo.

The trail has no portal page of its own: the managers' page of their
organisation's security events is accounts' (audit.queries.security_events_for).
"""

from core.plugins import DemoStep

# accounts.roles.SUPERVISOR, spelled out: audit sits below accounts and cannot
# import it (tests/audit/test_admin.py checks the group gets it).
SUPERVISOR = "supervisor"
STAFF = {SUPERVISOR: ["audit.view_auditentry"]}


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("audit", _demo, after=("accounts",))
