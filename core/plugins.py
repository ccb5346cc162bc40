"""The plug-in points: what an app declares about itself, read by the shared parts.

An app lists what it adds to the rest of the portal in its own `plugin.py`, as
module-level lists (the names below); its periodic jobs sit beside its tasks, as
`BEAT` in its `tasks.py`. Nothing registers itself by side effect: the lists of
every installed app are collected on first use, in INSTALLED_APPS order, and
collected again when INSTALLED_APPS changes (a test adding an app). The shared
parts (activity, notifications, the navigation, the dashboard, `manage.py demo`,
the beat schedule) read them here and so know no app by name. docs/apps.md
walks through an example.

    KINDS      Kind     a row of the notification preferences and of the feed's filter
    VERBS      Verb     an event: its sentence, kind, audience, link and wording
    SUBJECTS   Subject  a thing events are about (a ticket): who it concerns, where it is
    AREAS      Area     an entry of the portal's navigation
    WIDGETS    Widget   a panel of the client dashboard or of the profile page
    DEMO       DemoStep the app's part of `manage.py demo` (one, or a list)
    STAFF      dict     {staff group: [permission, ...]}: what its staff may do in the admin
    REPLY_ADDRESS  callable (notification, user) -> address or None: a notification
               e-mail's Reply-To (mailin: a ticket's reply address for that person)
    BEAT       BeatJob  (in tasks.py) a periodic job of the beat schedule
"""

import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import Promise

# Whom an event concerns on the client's side (Verb.audience):
# - SUBJECT: the people of the thing it is about (Verb.subject names it): for a
#   ticket, its requester and watchers; the organisation's managers and partners
#   read it in the feed. The event's data holds the subject's reference.
# - PERSON: the one client its data names as `user_id` (a task asked of them),
#   told directly; not in the feed, where the subject's own event is.
# - ORGANISATION: the whole organisation reads it; its managers are notified.
# - MANAGERS: the managers and partners only (contracts and hours are theirs).
# - STAFF: the support staff its data names as `staff_ids` (a colleague
#   mentioned in an internal note); never a client.
SUBJECT = "subject"
PERSON = "person"
ORGANISATION = "organisation"
MANAGERS = "managers"
STAFF = "staff"
# The audiences whose events are about a subject (a ticket) named in their data.
SUBJECT_AUDIENCES = (SUBJECT, PERSON, STAFF)

# Which supervisors hear of an event besides its subject's owner (Verb.supervisors):
# always; while the subject has no owner; or that, only when a client acted.
ALWAYS = "always"
UNOWNED = "unowned"
UNOWNED_CLIENT = "unowned_client"


@dataclass(frozen=True)
class Kind:
    """A kind of event, as people choose what they hear about.

    `loud`: e-mail and Telegram are on by default for clients; `staff_loud`: for
    staff. `supervisors`: the support team's supervisors may hear of it even
    when no subject of theirs is involved (an exhausted hours bank).
    """

    key: str
    label: Promise
    staff_only: bool = False
    loud: bool = False
    staff_loud: bool = False
    supervisors: bool = False


@dataclass(frozen=True)
class Verb:
    """One event verb.

    `template` is the sentence: %(actor)s is the actor's name and any key of the
    event's data may be used; an ngettext_lazy template is keyed by a data field.
    `labels` turns a data value into the reader's words (a status key into
    "resolved"). `detail` is what the sentence leaves out, from client-visible
    data (shown under it). `action` says what changed in a word or two (an
    e-mail's subject line; the kind's label otherwise). `link(event, staff=…)`
    is the path of an event with no subject, for a client or for staff (None:
    the feed, or the admin's index). `excerpt(events)`
    gives {event pk: (text, label)}, the text a message quotes. `banner`: an
    unread one is announced on the next page the reader opens. `notify=False`:
    the feed shows it and nobody is notified of it (a vote).
    """

    key: str
    template: Promise
    kind: str
    audience: str = SUBJECT
    subject: str = ""
    labels: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    detail: Promise | None = None
    action: Promise | None = None
    supervisors: str = ""
    link: Callable | None = None
    excerpt: Callable | None = None
    banner: bool = False
    deadline: bool = False  # its data's `due_at` is shown in the reader's time zone
    # False: the feed shows it, nobody is notified of it (a vote on a wish).
    notify: bool = True
    # An organisation's event whose link every client of it may open (a new
    # article meant for them); other organisation-wide links are the managers'.
    open_link: bool = False


@dataclass(frozen=True)
class MuteTexts:
    """How a subject's mute link speaks, whole phrases for each language (%(number)s: its ref)."""

    link: Promise  # under an e-mail: "Mute this ticket"
    question: Promise  # the page's heading before: "Stop notifications about %(number)s?"
    explained: Promise  # what muting does
    done: Promise  # the heading after: "%(number)s is muted"
    done_explained: Promise  # how to undo it


@dataclass(frozen=True)
class Subject:
    """A thing events are about, named in each event's data by `data_key`.

    - `load(refs)`: {ref: object} for the references that exist.
    - `visible(user)`: a queryset of the references `user` may open (one column,
      `data_key`'s values), used as a subquery.
    - `people(obj)`: ids of the clients it concerns; `owner(obj)`: the id of the
      staff member who owns it, or None; `followers(obj)`: ids of the other staff
      who chose to hear of it as its owner does.
    - `muted(obj)`: a queryset of the ids of the users who muted it; `mute(obj,
      user)` mutes it for them (an e-mail's unsubscribe link).
    - `url(ref, event=None)`: its page in the portal (at the event's own place
      on it, when given); `admin_url(obj)`: its page for staff.

    Its objects have an `organisation_id`: a reference in an event of another
    organisation leads nowhere, whatever the event's data says. Its events keep
    its title in their data as `subject` (hidden from a reader who can no longer
    open it). `label` names it in a message ("Ticket"); `mute_texts` word its
    mute link and page.
    """

    key: str
    data_key: str
    load: Callable[[Iterable[str]], dict]
    visible: Callable
    url: Callable
    admin_url: Callable
    people: Callable = lambda obj: set()
    owner: Callable = lambda obj: None
    followers: Callable = lambda obj: ()
    muted: Callable | None = None
    mute: Callable | None = None
    label: Promise | None = None
    mute_texts: MuteTexts | None = None


@dataclass(frozen=True)
class Area:
    """An entry of the portal's navigation (the view still checks; hiding is a courtesy).

    `manager_only`: the organisation's managers; `whole_organisation`: its
    managers and assigned partners.
    """

    key: str
    label: Promise
    url_name: str
    order: int = 50
    manager_only: bool = False
    whole_organisation: bool = False


@dataclass(frozen=True)
class Widget:
    """A panel of a portal page another app owns: the dashboard, or the profile.

    `context(request, organisation)` returns what `template` needs, or None to
    leave the panel out (nothing to show, or not for this reader). The page
    renders it with `{% panel %}` (core/templatetags/panels.py): its names are
    its own, so two apps' panels may both say `recent`. `whole_organisation`:
    for the organisation's managers and assigned partners only.
    """

    key: str
    template: str
    context: Callable
    order: int = 50
    whole_organisation: bool = False
    page: str = "dashboard"
    # Where on the page: "top" (across it), "main" or "side" (the dashboard's columns).
    column: str = "main"


@dataclass(frozen=True)
class Panel:
    """A widget as one reader sees it: its template and the context it computed."""

    widget: Widget
    context: dict


@dataclass(frozen=True)
class DemoStep:
    """An app's part of the demo: `run(demo)` after the steps named in `after`, before `before`.

    `demo` carries `organisations` and `users` (by slug and e-mail, filled by the
    accounts step) and `first_load`; a step may add to it for the steps after it.
    Steps must be idempotent: the command runs on every `make run`.
    """

    name: str
    run: Callable
    after: tuple[str, ...] = ()
    # Steps of lower apps this one must run before (the SLA policies, before the
    # tickets they time): a lower app never names an upper one.
    before: tuple[str, ...] = ()
    # After every other step (the fan-out of the whole history's notifications).
    at_end: bool = False


@dataclass(frozen=True)
class BeatJob:
    """A periodic job: `task` (its dotted name) every `schedule` (seconds or a crontab).

    `expires`: a run still waiting this many seconds after it was due is dropped,
    for jobs that catch up on everything due when they run.
    """

    name: str
    task: str
    schedule: Any
    expires: float | None = None

    def entry(self) -> dict:
        entry = {"task": self.task, "schedule": self.schedule}
        if self.expires is not None:
            entry["options"] = {"expires": self.expires}
        return entry


def _modules(name: str) -> list:
    found = []
    for config in apps.get_app_configs():
        try:
            found.append(importlib.import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{name}":
                raise
    return found


def _collect(module: str, attribute: str) -> list:
    return [item for mod in _modules(module) for item in getattr(mod, attribute, ())]


def _keyed(items, what: str) -> dict:
    found = {}
    for item in items:
        key = getattr(item, "key", None) or item.name
        if key in found:
            raise ImproperlyConfigured(f"Two apps declare the {what} {key!r}.")
        found[key] = item
    return found


@functools.cache
def kinds() -> dict[str, Kind]:
    return _keyed(_collect("plugin", "KINDS"), "kind")


@functools.cache
def verbs() -> dict[str, Verb]:
    found = _keyed(_collect("plugin", "VERBS"), "verb")
    known, subjects_ = kinds(), subjects()
    for verb in found.values():
        if verb.kind not in known:
            raise ImproperlyConfigured(f"Verb {verb.key!r} has an unknown kind {verb.kind!r}.")
        if verb.audience in (SUBJECT, PERSON, STAFF) and verb.subject not in subjects_:
            raise ImproperlyConfigured(f"Verb {verb.key!r} names no known subject.")
        if (
            verb.supervisors == ALWAYS
            and verb.audience in (ORGANISATION, MANAGERS)
            and not known[verb.kind].supervisors
        ):
            # Supervisors would hear of it with no row in their preferences to turn it off.
            raise ImproperlyConfigured(
                f"Verb {verb.key!r} reaches the supervisors: its kind needs supervisors=True."
            )
    return found


@functools.cache
def subjects() -> dict[str, Subject]:
    return _keyed(_collect("plugin", "SUBJECTS"), "subject")


@functools.cache
def areas() -> list[Area]:
    return sorted(_keyed(_collect("plugin", "AREAS"), "area").values(), key=lambda a: a.order)


@functools.cache
def _widgets() -> dict[str, Widget]:
    return _keyed(_collect("plugin", "WIDGETS"), "widget")


def widgets(page: str = "dashboard") -> list[Widget]:
    """The panels of `page` ("dashboard", "profile", "resource"), in their order."""
    return sorted((w for w in _widgets().values() if w.page == page), key=lambda w: w.order)


def panels(request, organisation, page: str = "dashboard", **about) -> list[Panel]:
    """The widgets of `page` this request's reader sees, each with its context.

    A page about one thing passes it in `about` (the resource page: `resource=`),
    and each widget's context receives it as keyword arguments: a sibling app
    shows its part of that thing without the page's app importing it.
    """
    access = getattr(request, "access", None)
    whole = bool(access and access.sees_whole_organisation)
    found = []
    for widget in widgets(page):
        if widget.whole_organisation and not whole:
            continue
        context = widget.context(request, organisation, **about)
        if context is not None:
            found.append(Panel(widget, context))
    return found


@functools.cache
def demo_steps() -> list[DemoStep]:
    """Every app's demo step, each after the steps it names (in INSTALLED_APPS order otherwise)."""
    declared = [getattr(mod, "DEMO", ()) for mod in _modules("plugin")]
    steps = _keyed(
        [
            step
            for steps in declared
            for step in ([steps] if isinstance(steps, DemoStep) else steps)
        ],
        "demo step",
    )
    waits = {name: list(step.after) for name, step in steps.items()}
    for step in steps.values():
        for name in step.before:
            if name not in steps:
                raise ImproperlyConfigured(f"Demo step {step.name!r} runs before {name!r}: none.")
            waits[name].append(step.name)
    ordered, placing = [], set()

    def place(step):
        if step in ordered:
            return
        if step.name in placing:
            raise ImproperlyConfigured(f"Demo steps wait for each other around {step.name!r}.")
        placing.add(step.name)
        for name in waits[step.name]:
            if name not in steps:
                raise ImproperlyConfigured(f"Demo step {step.name!r} waits for {name!r}: none.")
            place(steps[name])
        ordered.append(step)

    for step in sorted(steps.values(), key=lambda step: step.at_end):
        place(step)
    return ordered


@functools.cache
def beat_jobs() -> dict[str, BeatJob]:
    return _keyed(_collect("tasks", "BEAT"), "beat job")


@functools.cache
def staff_permissions() -> dict[str, set[str]]:
    """{staff group name: {"app_label.codename", ...}}, merged from every app's STAFF."""
    merged: dict[str, set[str]] = {}
    for module in _modules("plugin"):
        for group, permissions in getattr(module, "STAFF", {}).items():
            merged.setdefault(group, set()).update(permissions)
    return merged


@functools.cache
def _reply_addresses() -> list[Callable]:
    return [mod.REPLY_ADDRESS for mod in _modules("plugin") if getattr(mod, "REPLY_ADDRESS", None)]


def reply_address(notification, user) -> str | None:
    """The Reply-To of `user`'s e-mail about `notification`: the first an app gives, or None."""
    for declared in _reply_addresses():
        address = declared(notification, user)
        if address:
            return address
    return None


def beat_schedule() -> dict:
    return {name: job.entry() for name, job in beat_jobs().items()}


# Derived views of the verbs, for the readers that filter by them.


def verbs_of_kind(kind: str) -> list[str]:
    return [key for key, verb in verbs().items() if verb.kind == kind]


def verbs_for_audience(*audiences: str) -> list[str]:
    return [key for key, verb in verbs().items() if verb.audience in audiences]


def verbs_of_subject(subject: str, *audiences: str) -> list[str]:
    return [
        key
        for key, verb in verbs().items()
        if verb.subject == subject and (not audiences or verb.audience in audiences)
    ]


def subject_of(verb_key: str) -> Subject | None:
    verb = verbs().get(verb_key)
    if verb is None or verb.audience not in (SUBJECT, PERSON, STAFF):
        return None
    return subjects().get(verb.subject)


def clear() -> None:
    for collected in (
        kinds,
        verbs,
        subjects,
        areas,
        _widgets,
        demo_steps,
        beat_jobs,
        staff_permissions,
        _reply_addresses,
    ):
        collected.cache_clear()


@receiver(setting_changed)
def _installed_apps_changed(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        clear()
