"""What activity adds to the shared parts (core/plugins.py): the feed's page, the team's history."""

from django.utils.translation import gettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import Area, DemoStep, Widget


def _demo(demo):
    from .models import Event
    from .services import record_event

    andes = demo.organisations["andes-fibra"]
    if Event.objects.filter(organisation=andes, verb="member_joined").exists():
        return
    for email in ("manager@andes.example", "member@andes.example", "member2@andes.example"):
        user = demo.users[email]
        membership = user.memberships.get(organisation=andes)
        record_event(
            organisation=andes,
            actor=user,
            verb="member_joined",
            target=membership,
            data={"member": str(user), "role": membership.role},
        )


AREAS = [Area("activity", gettext_lazy("Activity"), "activity:feed", order=30)]


def _latest(request, organisation):
    from .widgets import latest

    return latest(request, organisation)


WIDGETS = [Widget("activity", "activity/widgets/latest.html", _latest, order=20)]

DEMO = DemoStep("activity", _demo, after=("accounts",))

# Everyone on staff reads the events (the admin's history of a ticket, an organisation).
STAFF = {AGENT: ["activity.view_event"], SUPERVISOR: ["activity.view_event"]}
