"""What canned replies add to the shared parts (core/plugins.py): staff permissions and the demo.

Nothing here reaches a client: the replies are staff's tools, and what an agent
sends with one is an ordinary reply, recorded by tickets.
"""

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import DemoStep

_OWN = [
    "canned.view_cannedreply",
    "canned.add_cannedreply",
    "canned.change_cannedreply",
    "canned.delete_cannedreply",
    "canned.view_signature",
    "canned.add_signature",
    "canned.change_signature",
]
STAFF = {
    AGENT: _OWN,
    SUPERVISOR: [*_OWN, "canned.manage_shared_replies", "canned.view_all_signatures"],
}


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("canned", _demo, after=("accounts",))
