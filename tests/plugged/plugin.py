from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.plugins import ORGANISATION, Area, DemoStep, Kind, Verb, Widget


def _notices_page(event, *, staff):
    return None if staff else reverse("plugged:notices")


KINDS = [Kind("notices", _("Notices"), loud=True, staff_loud=True)]

VERBS = [
    Verb(
        "notice_posted",
        _("%(actor)s posted a notice: %(title)s"),
        "notices",
        ORGANISATION,
        action=_("New notice"),
        link=_notices_page,
    )
]

AREAS = [Area("notices", _("Notices"), "plugged:notices", order=60)]


def _latest(request, organisation):
    from . import services

    latest = services.notices(organisation)[:1]
    return {"notice": latest[0]} if latest else None


WIDGETS = [Widget("latest_notice", "plugged/widget.html", _latest, order=60, column="side")]


def _demo(demo):
    from . import services

    andes = demo.organisations["andes-fibra"]
    if not services.notices(andes).exists():
        services.notice_post(
            organisation=andes,
            by=demo.users["manager@andes.example"],
            title="Mantenimiento el sábado",
        )


DEMO = DemoStep("plugged", _demo, after=("accounts", "activity"))
