"""What wishes add to the shared parts (core/plugins.py).

Wish events carry the wish's number and title in their data; the wish is their
subject, so its author and those who voted for it hear of them, and the
organisation's managers read them in the feed. Nobody owns a wish among staff:
the supervisors hear of a new or resubmitted wish and of clients' comments.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import (
    UNOWNED,
    UNOWNED_CLIENT,
    Area,
    DemoStep,
    Kind,
    MuteTexts,
    Subject,
    Verb,
    Widget,
)


def _load(numbers):
    from .models import Wish

    rows = Wish.objects.filter(number__in=list(numbers)).only(
        "pk", "number", "organisation_id", "author_id", "status"
    )
    return {wish.number: wish for wish in rows}


def _visible(user):
    from .models import Wish

    return Wish.objects.visible_to(user).values("number")


def _people(wish) -> set:
    return {wish.author_id, *wish.votes.values_list("user_id", flat=True)}


def _muted(wish):
    from .models import WishMute

    return WishMute.objects.filter(wish_id=wish.pk).values("user_id")


def _mute(wish, user) -> None:
    from .services import wish_mute

    wish_mute(wish=wish, user=user, muted=True)


def _url(number, event=None) -> str:
    path = reverse("wishes:detail", args=[number])
    if event is not None and event.verb == "wish_commented" and event.target_id:
        path += f"#comment-{event.target_id}"
    return path


def _admin_url(wish) -> str:
    return reverse("admin:wishes_wish_change", args=[wish.pk])


SUBJECTS = [
    Subject(
        "wish",
        "number",
        load=_load,
        visible=_visible,
        url=_url,
        admin_url=_admin_url,
        people=_people,
        owner=lambda wish: None,
        muted=_muted,
        mute=_mute,
        label=gettext_lazy("Wish"),
        mute_texts=MuteTexts(
            link=gettext_lazy("Mute this wish"),
            question=gettext_lazy("Stop notifications about %(number)s?"),
            explained=gettext_lazy(
                "You will no longer be told about anything on this wish, on any channel. "
                "You can turn its notifications back on from the wish's page."
            ),
            done=gettext_lazy("%(number)s is muted"),
            done_explained=gettext_lazy(
                "You will get no more notifications about this wish. To hear about it again, "
                "open it in the portal and turn its notifications back on."
            ),
        ),
    )
]


def _status(value) -> str:
    from .states import WishStatus

    try:
        return str(WishStatus(value).label).lower()
    except ValueError:
        return value


def _reason(value) -> str:
    from .states import RefusalReason

    try:
        return str(RefusalReason(value).label)
    except ValueError:
        return value


def _decision_notes(events) -> dict:
    """What staff wrote to the client with a decision: the changes asked, or the
    reason of a refusal (in the reader's words) with its explanation."""
    from django.utils.translation import gettext as _

    from activity.describe import detail

    found = {}
    for event in events:
        note = event.data.get("note", "")
        if event.verb == "wish_changes_requested" and note:
            found[event.pk] = (note, _("What to change"))
        elif event.verb == "wish_not_accepted":
            found[event.pk] = ("\n".join(filter(None, [detail(event), note])), "")
    return found


KINDS = [
    Kind("wish_progress", gettext_lazy("Wishes: progress"), staff_loud=True),
    Kind("wish_changes", gettext_lazy("Wishes: changes asked of you"), loud=True, staff_loud=True),
    Kind("wish_outcome", gettext_lazy("Wishes: done or not accepted"), loud=True),
    Kind("wish_comments", gettext_lazy("Wishes: comments"), staff_loud=True),
    Kind("wish_votes", gettext_lazy("Wishes: votes")),
    Kind("wish_notes", gettext_lazy("Wishes: internal notes"), staff_only=True),
]


def _verb(key, template, kind, **options):
    return Verb(key, template, kind, subject="wish", **options)


VERBS = [
    _verb(
        "wish_submitted",
        gettext_lazy("%(actor)s asked for %(number)s: %(subject)s"),
        "wish_progress",
        action=pgettext_lazy("e-mail subject", "New wish"),
        supervisors=UNOWNED,
    ),
    _verb(
        "wish_resubmitted",
        gettext_lazy("%(actor)s sent %(number)s again, changed"),
        "wish_progress",
        action=pgettext_lazy("e-mail subject", "Wish changed"),
        supervisors=UNOWNED,
    ),
    _verb(
        "wish_review_started",
        gettext_lazy("%(actor)s started reviewing %(number)s"),
        "wish_progress",
    ),
    _verb(
        "wish_changes_requested",
        gettext_lazy("%(actor)s asked for changes to %(number)s"),
        "wish_changes",
        action=pgettext_lazy("e-mail subject", "Changes requested"),
        excerpt=_decision_notes,
    ),
    _verb(
        "wish_approved",
        gettext_lazy("%(actor)s approved %(number)s"),
        "wish_progress",
        action=pgettext_lazy("e-mail subject", "Approved"),
    ),
    _verb(
        "wish_planned",
        gettext_lazy("%(actor)s planned %(number)s"),
        "wish_progress",
        action=pgettext_lazy("e-mail subject", "Planned"),
    ),
    _verb(
        "wish_replanned",
        gettext_lazy("%(actor)s moved %(number)s back to %(status)s"),
        "wish_progress",
        labels={"status": _status},
    ),
    _verb(
        "wish_started",
        gettext_lazy("%(actor)s started the work on %(number)s"),
        "wish_progress",
        action=pgettext_lazy("e-mail subject", "Work started"),
    ),
    _verb(
        "wish_done",
        gettext_lazy("%(actor)s finished %(number)s"),
        "wish_outcome",
        action=pgettext_lazy("e-mail subject", "Done"),
    ),
    _verb(
        "wish_not_accepted",
        gettext_lazy("%(actor)s did not accept %(number)s"),
        "wish_outcome",
        action=pgettext_lazy("e-mail subject", "Not accepted"),
        detail=gettext_lazy("Reason: %(reason)s"),
        labels={"reason": _reason},
        excerpt=_decision_notes,
    ),
    _verb(
        "wish_commented",
        gettext_lazy("%(actor)s commented on %(number)s"),
        "wish_comments",
        action=pgettext_lazy("e-mail subject", "New comment"),
        supervisors=UNOWNED_CLIENT,
    ),
    _verb(
        "wish_note_added",
        gettext_lazy("%(actor)s added an internal note on %(number)s"),
        "wish_notes",
        # Nobody owns a wish among staff: the supervisors hear of its notes.
        supervisors=UNOWNED,
    ),
    _verb(
        "wish_voted",
        gettext_lazy("%(actor)s voted for %(number)s"),
        "wish_votes",
        notify=False,
    ),
    _verb(
        "wish_ticket_opened",
        gettext_lazy("%(actor)s turned %(number)s into ticket %(ticket)s"),
        "wish_progress",
        action=pgettext_lazy("e-mail subject", "Work planned"),
    ),
]

AREAS = [Area("wishes", gettext_lazy("Wishes"), "wishes:board", order=25)]


def _latest(request, organisation):
    from .widgets import latest

    return latest(request, organisation)


WIDGETS = [Widget("latest_wishes", "wishes/widgets/latest.html", _latest, order=85, column="side")]


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("wishes", _demo, after=("accounts", "contracts", "tickets"))

STAFF = {
    AGENT: [
        "wishes.view_wish",
        "wishes.change_wish",
        "wishes.view_wishcomment",
        "wishes.add_wishcomment",
    ],
    SUPERVISOR: [
        "wishes.view_wish",
        "wishes.change_wish",
        "wishes.view_wishcomment",
        "wishes.add_wishcomment",
    ],
}
