"""The audit trail of `manage.py demo`: a few days of sign-ins, as if people had used it.

Andes Fibra's manager sees their team's sign-ins and a burst of failed ones on
the manager's address from an unknown address; the supervisor reads the whole
trail in the admin. Written once (the rows are never changed or removed, so a
second run adds nothing).
"""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from core.demo import dated

from .models import Action, AuditEntry
from .services import record

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
# (days ago, hour, e-mail, action, address): addresses of the documentation ranges.
HISTORY = [
    (6, 9, "manager@andes.example", Action.SIGNIN, "203.0.113.10"),
    (6, 9, "supervisor@support.example", Action.SIGNIN, "198.51.100.7"),
    (5, 8, "agent@support.example", Action.SIGNIN, "198.51.100.8"),
    (4, 10, "member@andes.example", Action.SIGNIN, "203.0.113.11"),
    (3, 3, "manager@andes.example", Action.SIGNIN_FAILED, "192.0.2.66"),
    (3, 3, "manager@andes.example", Action.SIGNIN_FAILED, "192.0.2.66"),
    (3, 3, "manager@andes.example", Action.SIGNIN_FAILED, "192.0.2.66"),
    (2, 9, "manager@andes.example", Action.SIGNIN, "203.0.113.10"),
    (2, 17, "manager@andes.example", Action.SIGNOUT, "203.0.113.10"),
    (1, 11, "manager@vale.example", Action.SIGNIN, "203.0.113.40"),
    (1, 14, "member2@andes.example", Action.SIGNIN, "203.0.113.12"),
]


def _request(address):
    return SimpleNamespace(META={"REMOTE_ADDR": address, "HTTP_USER_AGENT": BROWSER})


def run(demo):
    if AuditEntry.objects.filter(extra__demo=True).exists():
        return
    today = timezone.now().replace(minute=0, second=0, microsecond=0)
    for days, hour, email, action, address in HISTORY:
        user = demo.users.get(email)
        if user is None:
            continue
        with dated(today.replace(hour=hour) - timedelta(days=days)):
            if action == Action.SIGNIN_FAILED:
                record(
                    action=action,
                    request=_request(address),
                    target=user,
                    label=email,
                    extra={"email": email, "demo": True},
                )
            else:
                record(
                    action=action,
                    request=_request(address),
                    actor=user,
                    target=user,
                    extra={"demo": True},
                )
