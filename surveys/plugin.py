"""What surveys add to the shared parts (core/plugins.py).

An invitation is a subject of its own: the person asked hears that a survey or a
form waits for them, is reminded once, and is told when it closes. A data form on
a ticket is an event of that ticket (its thread shows it was asked and sent
back). Titles are kept in each language the form has, and shown in the reader's.
"""

from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import PERSON, Area, DemoStep, Kind, Subject, Verb, Widget


def _title(titles) -> str:
    from accounts.configtext import fallback_order

    if not isinstance(titles, dict):
        return str(titles)
    for code in fallback_order(get_language()):
        if titles.get(code):
            return titles[code]
    return next(iter(titles.values()), "")


def _load(tokens):
    from .models import Invitation

    rows = Invitation.objects.filter(token__in=list(tokens)).select_related("sending")
    for row in rows:
        row.organisation_id = row.sending.organisation_id
    return {row.token: row for row in rows}


def _visible(user):
    from django.db.models import F

    from .models import Invitation

    # One column named as the events' data key, which holds the invitation's token.
    return Invitation.objects.visible_to(user).annotate(invitation=F("token")).values("invitation")


def _url(token, event=None) -> str:
    return reverse("surveys:answer", args=[token])


def _admin_url(invitation) -> str:
    return reverse("admin:surveys_sending_change", args=[invitation.sending_id])


SUBJECTS = [
    Subject(
        "invitation",
        "invitation",
        load=_load,
        visible=_visible,
        url=_url,
        admin_url=_admin_url,
        people=lambda invitation: {invitation.user_id},
        label=gettext_lazy("Form"),
    )
]

KINDS = [
    Kind("surveys", gettext_lazy("Surveys and forms to answer"), loud=True),
    Kind("survey_answers", gettext_lazy("Surveys and forms: answers")),
]

VERBS = [
    Verb(
        "survey_sent",
        gettext_lazy("%(title)s waits for your answers"),
        "surveys",
        PERSON,
        subject="invitation",
        labels={"title": _title},
        action=pgettext_lazy("e-mail subject", "To answer"),
    ),
    Verb(
        "survey_reminder",
        gettext_lazy("Reminder: %(title)s still waits for your answers"),
        "surveys",
        PERSON,
        subject="invitation",
        labels={"title": _title},
        action=pgettext_lazy("e-mail subject", "Reminder: to answer"),
    ),
    Verb(
        "survey_closed",
        gettext_lazy("%(title)s is closed: answers are no longer accepted"),
        "surveys",
        PERSON,
        subject="invitation",
        labels={"title": _title},
        notify=False,
    ),
    Verb(
        "survey_answered",
        gettext_lazy("You sent your answers to %(title)s"),
        "survey_answers",
        PERSON,
        subject="invitation",
        labels={"title": _title},
        notify=False,
    ),
    Verb(
        "data_form_requested",
        gettext_lazy("%(actor)s asks for the form %(title)s"),
        "surveys",
        subject="ticket",
        labels={"title": _title},
        action=pgettext_lazy("e-mail subject", "Form to fill in"),
    ),
    Verb(
        "data_form_completed",
        gettext_lazy("%(actor)s sent back the form %(title)s"),
        "survey_answers",
        subject="ticket",
        labels={"title": _title},
    ),
]

AREAS = [Area("surveys", gettext_lazy("Surveys"), "surveys:list", order=78)]


def _waiting(request, organisation):
    from .widgets import waiting_panel

    return waiting_panel(request, organisation)


WIDGETS = [Widget("surveys_waiting", "surveys/widget.html", _waiting, order=8, column="top")]

_VIEW = ["surveys.view_form", "surveys.view_formversion", "surveys.view_question"]
_VIEW += ["surveys.view_sending", "surveys.view_response"]
STAFF = {
    AGENT: [*_VIEW, "surveys.add_sending"],
    SUPERVISOR: [
        *_VIEW,
        "surveys.add_sending",
        "surveys.change_sending",
        "surveys.add_form",
        "surveys.change_form",
        "surveys.add_formversion",
        "surveys.change_formversion",
        "surveys.add_question",
        "surveys.change_question",
        "surveys.delete_question",
        "surveys.view_followup",
        "surveys.add_followup",
        "surveys.change_followup",
        "surveys.view_schedule",
        "surveys.add_schedule",
        "surveys.change_schedule",
    ],
}


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("surveys", _demo, after=("accounts", "tickets", "contracts"))
