"""What document signing adds to the shared parts (core/plugins.py).

A document is the subject of its events, named by its number. A request to sign
(and its reminders) goes to the one signer asked, loud by default: it waits for
them. What the other signers did reaches the signers already asked and the
colleague who prepared it; managers read it all in the feed.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import PERSON, Area, DemoStep, Kind, Subject, Verb, Widget


def _load(numbers):
    from .models import Document

    rows = Document.objects.filter(number__in=list(numbers)).only(
        "pk", "number", "organisation_id", "created_by_id", "approver_id", "status"
    )
    return {document.number: document for document in rows}


def _visible(user):
    from .models import Document

    return Document.objects.visible_to(user).values("number")


def _people(document) -> set:
    # The signers of the current version who were asked, whatever became of their
    # request (a cancelled or declined document voids it, and they must hear why);
    # those still waiting for their turn hear nothing until they are asked.
    return set(
        document.signers.filter(version__void_at__isnull=True, asked_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def _owner(document):
    # While it waits for approval, the approver owns it: they hear that it waits.
    if document.status == "approval" and document.approver_id:
        return document.approver_id
    return document.created_by_id


def _url(number, event=None) -> str:
    return reverse("signing:detail", args=[number])


def _admin_url(document) -> str:
    return reverse("admin:signing_document_change", args=[document.pk])


SUBJECTS = [
    Subject(
        "document",
        "number",
        load=_load,
        visible=_visible,
        url=_url,
        admin_url=_admin_url,
        people=_people,
        owner=_owner,
        label=gettext_lazy("Document"),
    )
]

KINDS = [
    Kind(
        "signature_requests",
        gettext_lazy("Documents waiting for my signature"),
        loud=True,
    ),
    Kind("documents", gettext_lazy("Documents: signed, declined, expired"), staff_loud=True),
]


def _verb(key, template, kind="documents", **options):
    return Verb(key, template, kind, subject="document", **options)


VERBS = [
    _verb(
        "document_sent",
        gettext_lazy("%(actor)s asks you to sign %(subject)s"),
        "signature_requests",
        audience=PERSON,
        deadline=True,
        action=pgettext_lazy("e-mail subject", "To sign"),
    ),
    _verb(
        "document_reminder",
        gettext_lazy("Reminder: %(subject)s is waiting for your signature"),
        "signature_requests",
        audience=PERSON,
        deadline=True,
        action=pgettext_lazy("e-mail subject", "Reminder: to sign"),
    ),
    _verb("document_viewed", gettext_lazy("%(actor)s opened %(subject)s"), notify=False),
    _verb(
        "document_approval_requested",
        gettext_lazy("%(actor)s asks you to approve %(subject)s before it is sent"),
        action=pgettext_lazy("e-mail subject", "To approve"),
    ),
    _verb(
        "document_signed",
        gettext_lazy("%(actor)s signed %(subject)s"),
        action=pgettext_lazy("e-mail subject", "Signed"),
    ),
    _verb(
        "document_completed",
        gettext_lazy("Everyone signed %(subject)s: the sealed PDF is ready"),
        action=pgettext_lazy("e-mail subject", "Signed by everyone"),
    ),
    _verb(
        "document_declined",
        gettext_lazy("%(actor)s declined to sign %(subject)s"),
        detail=gettext_lazy("Reason: %(reason)s"),
        action=pgettext_lazy("e-mail subject", "Declined"),
    ),
    _verb(
        "document_expired",
        gettext_lazy("%(subject)s expired before everyone signed"),
        action=pgettext_lazy("e-mail subject", "Expired"),
    ),
    _verb(
        "document_cancelled",
        gettext_lazy("%(actor)s cancelled %(subject)s"),
        detail=gettext_lazy("Reason: %(reason)s"),
        action=pgettext_lazy("e-mail subject", "Cancelled"),
    ),
]

AREAS = [Area("documents", gettext_lazy("Documents"), "signing:list", order=70)]


def _widget(request, organisation):
    from .views import waiting_panel

    return waiting_panel(request, organisation)


WIDGETS = [
    Widget("documents", "signing/widgets/waiting.html", _widget, order=5, column="top"),
]


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("signing", _demo, after=("accounts", "contracts", "tickets"))

# Agents prepare and send documents; supervisors also keep the templates and may
# delete a draft. Nobody edits the audit trail.
_PREPARE = [
    "signing.view_document",
    "signing.add_document",
    "signing.change_document",
    "signing.view_documentversion",
    "signing.view_signer",
    "signing.add_signer",
    "signing.change_signer",
    "signing.view_documenttemplate",
    "signing.view_documentevent",
]

STAFF = {
    AGENT: _PREPARE,
    SUPERVISOR: [
        *_PREPARE,
        "signing.add_documenttemplate",
        "signing.change_documenttemplate",
        "signing.delete_signer",
    ],
}
