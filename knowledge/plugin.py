"""What the knowledge base adds to the shared parts (core/plugins.py).

A newly published article is an event of every organisation that may read it,
with its title in each language it is written in: the feed shows the reader's.
It reaches people in the portal only unless they ask for more.
"""

from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy

from accounts.roles import AGENT, SUPERVISOR
from core.plugins import ORGANISATION, Area, DemoStep, Kind, Verb, Widget


def _title(titles) -> str:
    from accounts.configtext import fallback_order

    if not isinstance(titles, dict):
        return str(titles)
    for code in fallback_order(get_language()):
        if titles.get(code):
            return titles[code]
    return next(iter(titles.values()), "")


def _link(event, *, staff):
    article = event.data.get("article")
    if not article:
        return None
    if staff:
        return reverse("admin:knowledge_article_change", args=[article])
    return reverse("knowledge:article", args=[article])


KINDS = [Kind("articles", gettext_lazy("Knowledge base: new articles"))]

VERBS = [
    Verb(
        "article_published",
        gettext_lazy("New in the knowledge base: %(title)s"),
        "articles",
        ORGANISATION,
        labels={"title": _title},
        action=gettext_lazy("New article"),
        link=_link,
        open_link=True,
    )
]

AREAS = [Area("help", gettext_lazy("Help"), "knowledge:home", order=80)]


def _widget(request, organisation):
    from .widgets import help_panel

    return help_panel(request, organisation)


WIDGETS = [Widget("help", "knowledge/widgets/help.html", _widget, order=90, column="side")]


def _demo(demo):
    from .demo import run

    run(demo)


DEMO = DemoStep("knowledge", _demo, after=("accounts", "contracts", "tickets"))

# Agents write and publish articles and their files; supervisors also arrange the
# categories, delete articles and files, and read the visits to the new-ticket form.
_WRITE_ARTICLES = [
    "knowledge.view_category",
    "knowledge.view_article",
    "knowledge.add_article",
    "knowledge.change_article",
    "knowledge.view_articletranslation",
    "knowledge.add_articletranslation",
    "knowledge.change_articletranslation",
    "knowledge.view_articleversion",
    "knowledge.view_articleattachment",
    "knowledge.add_articleattachment",
    "knowledge.change_articleattachment",
    "knowledge.view_feedback",
    "knowledge.view_searchlog",
]

STAFF = {
    AGENT: _WRITE_ARTICLES,
    SUPERVISOR: [
        *_WRITE_ARTICLES,
        "knowledge.add_category",
        "knowledge.change_category",
        "knowledge.delete_category",
        "knowledge.delete_article",
        "knowledge.delete_articleattachment",
        "knowledge.view_deflection",
    ],
}
