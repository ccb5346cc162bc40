"""The knowledge base in the admin: texts and their versions, publishing, files, the
preview as an organisation, the report, the links on a ticket's reply, and who may
do what."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import timezone

from accounts.roles import AGENT
from activity.models import Event
from contracts.models import Service
from knowledge import services
from knowledge.admin.report import csv_cell
from knowledge.models import (
    Article,
    ArticleAttachment,
    Category,
    Deflection,
    SearchLog,
    Status,
    Visibility,
)
from tests.factories import UserFactory, member_of
from tests.knowledge.factories import article, category
from tests.tickets.factories import open_ticket
from tickets.models import RequestSection, RequestType

LIST = reverse("admin:knowledge_article_changelist")
ADD = reverse("admin:knowledge_article_add")
REPORT = reverse("admin:knowledge_report")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def change_url(item):
    return reverse("admin:knowledge_article_change", args=[item.pk])


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(response) -> dict:
    """What the admin page's forms would post as shown: the article's form, each
    inline formset with its management form."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if (
                value is None or bound.field.widget.input_type == "file"
                if hasattr(bound.field.widget, "input_type")
                else value is None
            ):
                continue
            if isinstance(bound.field.widget, MultiWidget):
                parts = value if isinstance(value, list) else bound.field.widget.decompress(value)
                for index, part in enumerate(parts):
                    data[f"{bound.html_name}_{index}"] = (
                        part.isoformat() if hasattr(part, "isoformat") else part
                    )
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def text_prefix(response, language):
    """The form prefix of `language`'s text on an article page (an empty new form if none)."""
    formset = response.context["inline_admin_formsets"][0].formset
    for form in formset.forms:
        if form.instance.pk and form.instance.language == language:
            return form.prefix
    for form in formset.forms:
        if not form.instance.pk:
            return form.prefix
    raise AssertionError(f"no form for {language}")


def article_events(item):
    return sorted(
        Event.objects.filter(verb="article_published", data__article=item.pk).values_list(
            "organisation__slug", flat=True
        )
    )


# --- Smoke ------------------------------------------------------------------------------


def test_pages_render(world, client_for):
    item = article({"es": ("Router", "Reinicia el **router**.")})
    client = client_for(world.supervisor)
    for url in [
        LIST,
        ADD,
        change_url(item),
        reverse("admin:knowledge_article_versions", args=[item.pk, "es"]),
        reverse("admin:knowledge_article_preview", args=[item.pk]),
        reverse("admin:knowledge_article_preview", args=[item.pk])
        + f"?organisation={world.org.pk}",
        REPORT,
        reverse("admin:knowledge_category_changelist"),
        reverse("admin:knowledge_category_add"),
        reverse("admin:knowledge_feedback_changelist"),
        reverse("admin:knowledge_searchlog_changelist"),
        reverse("admin:knowledge_deflection_changelist"),
        reverse("admin:app_list", args=["knowledge"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


# --- Texts and versions -------------------------------------------------------------------


@pytest.fixture
def router(world):
    """An article written in Spanish (the original) and translated into English."""
    return article(
        {
            "es": ("Reiniciar el router", "Mantén el botón diez segundos."),
            "en": ("Restart the router", "Hold the button for ten seconds."),
        }
    )


def test_editing_a_text_keeps_a_version_and_bumps_its_revision(world, client_for, router):
    client = client_for(world.agent)
    page = client.get(change_url(router))
    data = form_data(page)
    spanish = text_prefix(page, "es")
    data[f"{spanish}-body"] = "Mantén el botón de reinicio quince segundos."
    data[f"{spanish}-note"] = "Quince, no diez"

    response = client.post(change_url(router), data)

    assert response.status_code == 302, response.context["errors"]
    text = router.translations.get(language="es")
    assert (text.revision, text.body, text.updated_by) == (
        2,
        "Mantén el botón de reinicio quince segundos.",
        world.agent,
    )
    versions = list(
        text.versions.order_by("revision").values_list("revision", "note", "created_by")
    )
    assert versions == [(1, "", None), (2, "Quince, no diez", world.agent.pk)]
    # The English text was written from revision 1: it is stale now, and says so.
    router.refresh_from_db()
    assert services.stale_languages(router) == ["en"]
    listed = client.get(LIST, {"stale": "en"})
    assert [a.pk for a in listed.context["cl"].result_list] == [router.pk]
    assert "Stale: written from revision 1" in client.get(change_url(router)).content.decode()


def test_a_page_saved_unchanged_keeps_no_new_version(world, client_for, router):
    client = client_for(world.agent)
    response = client.post(change_url(router), form_data(client.get(change_url(router))))
    assert response.status_code == 302
    assert [t.revision for t in router.translations.order_by("language")] == [1, 1]


def test_a_new_language_is_added_through_the_service(world, client_for, router):
    client = client_for(world.agent)
    page = client.get(change_url(router))
    data = form_data(page)
    new = text_prefix(page, "pt")
    data.update(
        {
            f"{new}-language": "pt",
            f"{new}-title": "Reiniciar o roteador",
            f"{new}-body": "Segure o botão por dez segundos.",
        }
    )
    assert client.post(change_url(router), data).status_code == 302
    text = router.translations.get(language="pt")
    assert (text.revision, text.source_revision, text.versions.count()) == (1, 1, 1)


def test_a_second_text_in_a_language_is_refused(world, client_for, router):
    client = client_for(world.agent)
    page = client.get(change_url(router))
    # "Add another text" offers the languages without a text only.
    assert [
        c
        for c, _label in page.context["inline_admin_formsets"][0]
        .formset.empty_form.fields["language"]
        .choices
    ] == ["pt", "fr"]
    data = form_data(page)
    data["translations-TOTAL_FORMS"] = "4"
    # Two new texts in the same language.
    for index, language in [(2, "pt"), (3, "pt")]:
        data.update(
            {
                f"translations-{index}-language": language,
                f"translations-{index}-title": "Otra",
                f"translations-{index}-body": "Otra.",
            }
        )
    response = client.post(change_url(router), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for language." in response.content.decode()
    assert not router.translations.filter(language="pt").exists()


def test_a_text_saved_meanwhile_is_not_overwritten(world, client_for, router):
    client = client_for(world.agent)
    page = client.get(change_url(router))
    data = form_data(page)
    spanish = text_prefix(page, "es")
    data[f"{spanish}-body"] = "Mi versión."
    services.save_translation(
        article=router,
        language="es",
        title="Reiniciar el router",
        summary="",
        body="La versión de Sergio.",
        tags="",
        user=world.supervisor,
    )

    response = client.post(change_url(router), data)

    assert response.status_code == 200
    assert "Sergio Supervisor saved this text (revision 2)" in response.content.decode()
    assert router.translations.get(language="es").body == "La versión de Sergio."
    # Sent again, as shown with the error, it is kept as the newest revision.
    again = form_data(response)
    again[f"{spanish}-body"] = "Mi versión."
    assert client.post(change_url(router), again).status_code == 302
    text = router.translations.get(language="es")
    assert (text.revision, text.body) == (3, "Mi versión.")


def test_versions_show_each_change_and_restore_makes_a_new_revision(world, client_for, router):
    for body in ["Paso uno.\nPaso dos.", "Paso uno.\nPaso tres."]:
        services.save_translation(
            article=router,
            language="es",
            title="Reiniciar el router",
            summary="",
            body=body,
            tags="",
            user=world.supervisor,
            note=f"now {body[-5:]}",
        )
    text = router.translations.get(language="es")
    first = text.versions.get(revision=1)
    client = client_for(world.agent)
    versions_url = reverse("admin:knowledge_article_versions", args=[router.pk, "es"])

    page = client.get(versions_url)

    assert [e.version.revision for e in page.context["entries"]] == [3, 2, 1]
    html = page.content.decode()
    assert "<del>- Paso dos.</del>" in html and "<ins>+ Paso tres.</ins>" in html
    assert "Sergio Supervisor" in html
    restore = reverse("admin:knowledge_article_restore", args=[router.pk, first.pk])
    assert client.get(restore).status_code == 405

    response = client.post(restore)

    assert response.status_code == 302
    text.refresh_from_db()
    assert (text.revision, text.body, text.updated_by) == (
        4,
        "Mantén el botón diez segundos.",
        world.agent,
    )
    assert text.versions.get(revision=4).note == "Restored revision 1"
    assert "Revision 1 restored: it is now revision 4." in texts(response)


def test_a_version_is_restored_only_through_its_own_article(world, client_for, router):
    other = article({"es": ("Otro", "Texto.")})
    version = other.translations.get().versions.get()
    client = client_for(world.agent)
    url = reverse("admin:knowledge_article_restore", args=[router.pk, version.pk])
    assert client.post(url).status_code == 404
    assert other.translations.get().revision == 1


# --- Publishing -------------------------------------------------------------------------


def publish_action(client, *articles):
    return client.post(
        LIST, {"action": "publish_articles", ACTION_CHECKBOX_NAME: [a.pk for a in articles]}
    )


def test_the_publish_action_announces_once_to_the_right_organisations(world, client_for):
    for_all = article({"es": ("Para todos", "Texto.")}, status=Status.DRAFT)
    for_some = article(
        {"es": ("Para algunos", "Texto.")},
        status=Status.DRAFT,
        visibility=Visibility.ORGANISATIONS,
        organisations=[world.org],
    )
    internal = article(
        {"es": ("Interno", "Texto.")}, status=Status.DRAFT, visibility=Visibility.INTERNAL
    )
    client = client_for(world.agent)

    response = publish_action(client, for_all, for_some, internal)

    assert "3 articles published." in texts(response)
    assert article_events(for_all) == sorted([world.org.slug, world.other_org.slug])
    assert article_events(for_some) == [world.org.slug]
    assert article_events(internal) == []
    # Again, and saving the published article's page: nobody hears twice.
    publish_action(client, for_all, for_some)
    page = client.get(change_url(for_some))
    assert client.post(change_url(for_some), form_data(page)).status_code == 302
    assert article_events(for_all) == sorted([world.org.slug, world.other_org.slug])
    assert article_events(for_some) == [world.org.slug]


def test_some_organisations_include_those_with_a_service_of_the_kind(world, client_for):
    Service.objects.create(organisation=world.other_org, name="Fibra", kind="networking")
    item = article(
        {"es": ("Red", "Texto.")},
        status=Status.DRAFT,
        visibility=Visibility.ORGANISATIONS,
        service_kind="Networking",
    )
    publish_action(client_for(world.agent), item)
    assert article_events(item) == [world.other_org.slug]


def test_saving_with_status_published_publishes_through_the_service(world, client_for):
    item = article({"es": ("Borrador", "Texto.")}, status=Status.DRAFT)
    Article.objects.filter(pk=item.pk).update(publish_at=timezone.now() - dt.timedelta(days=30))
    client = client_for(world.agent)
    data = form_data(client.get(change_url(item)))
    data["status"] = Status.PUBLISHED

    assert client.post(change_url(item), data).status_code == 302

    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.announced_at is not None
    # Published now, not a month ago, when the draft was begun.
    assert item.publish_at > timezone.now() - dt.timedelta(minutes=1)
    assert article_events(item) == sorted([world.org.slug, world.other_org.slug])


def test_a_new_article_is_written_and_published_in_one_save(world, client_for):
    net = category("Connectivity")
    client = client_for(world.agent)
    data = form_data(client.get(ADD))
    data.update(
        {
            "category": net.pk,
            "status": Status.PUBLISHED,
            "translations-0-language": "es",
            "translations-0-title": "Cómo medir la velocidad",
            "translations-0-body": "Usa un cable.",
        }
    )

    response = client.post(ADD, data)

    assert response.status_code == 302, response.context["errors"]
    item = Article.objects.get()
    text = item.translations.get()
    assert (item.status, text.revision, text.updated_by) == (Status.PUBLISHED, 1, world.agent)
    assert article_events(item) == sorted([world.org.slug, world.other_org.slug])


def test_publishing_without_any_text_is_refused_and_nothing_is_saved(world, client_for):
    net = category("Connectivity")
    client = client_for(world.agent)
    data = form_data(client.get(ADD))
    data.update({"category": net.pk, "status": Status.PUBLISHED})

    response = client.post(ADD, data)

    assert response.status_code == 200
    assert "Write the article in at least one language before publishing." in (
        response.content.decode()
    )
    assert not Article.objects.exists()


def test_a_scheduled_article_is_announced_when_it_goes_live(world, client_for):
    item = article({"es": ("Mañana", "Texto.")}, status=Status.DRAFT)
    client = client_for(world.agent)
    data = form_data(client.get(change_url(item)))
    later = timezone.localtime() + dt.timedelta(days=1)
    data.update(
        {
            "status": Status.PUBLISHED,
            "publish_at_0": later.date().isoformat(),
            "publish_at_1": later.time().replace(microsecond=0).isoformat(),
        }
    )
    assert client.post(change_url(item), data).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.announced_at is None
    assert article_events(item) == []
    assert "Scheduled for" in client.get(LIST).content.decode()

    # Its moment comes (the beat job's sweep).
    Article.objects.filter(pk=item.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))
    services.announce_due()
    assert article_events(item) == sorted([world.org.slug, world.other_org.slug])


def test_organisations_visibility_needs_someone_to_read_it(world, client_for):
    item = article({"es": ("Algunos", "Texto.")}, status=Status.DRAFT)
    client = client_for(world.agent)
    data = form_data(client.get(change_url(item)))
    data["visibility"] = Visibility.ORGANISATIONS
    response = client.post(change_url(item), data)
    assert response.status_code == 200
    assert "Name the organisations that read it" in response.content.decode()


# --- Files ------------------------------------------------------------------------------


def test_files_are_uploaded_checked_named_for_markdown_and_shown_to_staff(
    world, client_for, router
):
    client = client_for(world.agent)
    data = form_data(client.get(change_url(router)))
    data["upload"] = [SimpleUploadedFile("Router Screen (1).PNG", PNG)]

    assert client.post(change_url(router), data).status_code == 302

    item = router.attachments.get()
    assert (item.name, item.content_type, item.uploaded_by) == (
        "router-screen-1.png",
        "image/png",
        world.agent,
    )
    page = client.get(change_url(router)).content.decode()
    assert "![description](attachment:router-screen-1.png)" in page
    shown = client.get(reverse("admin:knowledge_article_attachment", args=[router.pk, item.pk]))
    assert shown["Content-Type"] == "image/png"
    assert "sandbox" in shown["Content-Security-Policy"]
    assert b"".join(shown.streaming_content) == PNG
    # Another article's page does not open it.
    other = article({"es": ("Otro", "Texto.")})
    url = reverse("admin:knowledge_article_attachment", args=[other.pk, item.pk])
    assert client.get(url).status_code == 404


def test_a_file_of_the_same_name_replaces_the_old_one(
    world, client_for, router, django_capture_on_commit_callbacks
):
    client = client_for(world.agent)
    stored = []
    for content in (PNG, PNG + b"-newer"):
        data = form_data(client.get(change_url(router)))
        data["upload"] = [SimpleUploadedFile("screen.png", content)]
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(change_url(router), data).status_code == 302
        item = router.attachments.get()
        stored.append(item.file.name)
    assert item.size == len(PNG) + len(b"-newer")
    storage = item.file.storage
    assert stored[0] != stored[1]
    assert not storage.exists(stored[0]) and storage.exists(stored[1])


def test_a_file_whose_bytes_do_not_match_its_name_is_refused(world, client_for, router):
    client = client_for(world.agent)
    data = form_data(client.get(change_url(router)))
    data["upload"] = [SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a picture")]
    response = client.post(change_url(router), data)
    assert response.status_code == 200
    assert "this kind of file is not accepted" in response.content.decode()
    assert not ArticleAttachment.objects.exists()


def test_supervisors_remove_files(world, client_for, router):
    client = client_for(world.supervisor)
    data = form_data(client.get(change_url(router)))
    data["upload"] = [SimpleUploadedFile("a.png", PNG)]
    client.post(change_url(router), data)
    item = router.attachments.get()
    data = form_data(client.get(change_url(router)))
    data["remove_files"] = [str(item.pk)]
    assert client.post(change_url(router), data).status_code == 302
    assert not router.attachments.exists()
    # Agents upload, and do not remove.
    assert (
        "remove_files"
        not in client_for(world.agent).get(change_url(router)).context["adminform"].form.fields
    )


# --- Preview ----------------------------------------------------------------------------


def preview_of(client, item, organisation, language=""):
    url = reverse("admin:knowledge_article_preview", args=[item.pk])
    response = client.get(url, {"organisation": organisation.pk, "language": language})
    assert response.status_code == 200
    return response


def test_preview_shows_an_organisation_limited_article_to_its_organisation_only(world, client_for):
    item = article(
        {
            "es": ("Solo Andes", "Hola **Andes**."),
            "en": ("Andes only", "Hello **Andes**."),
        },
        visibility=Visibility.ORGANISATIONS,
        organisations=[world.org],
    )
    client = client_for(world.agent)

    shown = preview_of(client, item, world.org)

    # In the organisation's language (Spanish), rendered as the portal renders it.
    assert shown.context["reading"].text.language == "es"
    html = shown.content.decode()
    assert "Solo Andes" in html and "<strong>Andes</strong>" in html
    assert "Hello" not in html
    assert "Andes only" in preview_of(client, item, world.org, "en").content.decode()

    denied = preview_of(client, item, world.other_org)

    assert denied.context["reading"] is None
    assert denied.context["preview"].reasons == [
        "It is for some organisations only, and Other Co is not one of them."
    ]
    assert "A client of Other Co cannot open this article." in denied.content.decode()


def test_preview_says_why_an_article_is_not_readable(world, client_for):
    client = client_for(world.agent)
    draft = article({"es": ("Borrador", "Texto.")}, status=Status.DRAFT)
    internal = article({"es": ("Interno", "Texto.")}, visibility=Visibility.INTERNAL)
    scheduled = article(
        {"es": ("Mañana", "Texto.")}, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    kind = article(
        {"es": ("Red", "Texto.")}, visibility=Visibility.ORGANISATIONS, service_kind="Networking"
    )

    def reasons(item):
        return preview_of(client, item, world.org).context["preview"].reasons

    assert reasons(draft) == ["It is a draft: clients read it once it is published."]
    assert reasons(internal) == ["It is internal: only staff read it."]
    assert reasons(scheduled)[0].startswith("It is scheduled: clients read it from ")
    assert reasons(kind) == [
        "It is for some organisations only: Andes Fibra is not one of those named, and has "
        "no active service of the kind “Networking”."
    ]
    Service.objects.create(organisation=world.org, name="Fibra", kind="networking")
    assert preview_of(client, kind, world.org).context["reading"] is not None


def test_preview_falls_back_as_the_portal_does_and_shows_images_through_the_admin(
    world, client_for
):
    item = article({"en": ("Only English", "![router](attachment:r.png)")})
    client = client_for(world.agent)
    data = form_data(client.get(change_url(item)))
    data["upload"] = [SimpleUploadedFile("r.png", PNG)]
    client.post(change_url(item), data)
    attachment = item.attachments.get()

    response = preview_of(client, item, world.org, "pt")

    reading = response.context["reading"]
    assert reading.fallback and reading.text.language == "en"
    html = response.content.decode()
    # The notice is in the reader's language, as on the portal.
    assert 'lang="pt' in html
    src = reverse("admin:knowledge_article_attachment", args=[item.pk, attachment.pk])
    assert f'src="{src}"' in html


# --- The report ---------------------------------------------------------------------------


def searched(world, query, *, results=0, clicked=None, days_ago=0, language="es", org=None):
    log = services.log_search(
        organisation=org or world.org, query=query, language=language, results=results
    )
    SearchLog.objects.filter(pk=log.pk).update(
        clicked=clicked, created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return log


def visit(world, outcome, *, request_type=None, shown=(), opened=(), solved_by=None):
    return Deflection.objects.create(
        token=uuid.uuid4(),
        organisation=world.org,
        user=world.member,
        request_type=request_type,
        shown=list(shown),
        opened=list(opened),
        solved_by=solved_by,
        outcome=outcome,
    )


def said_no(item, user, comment="", organisation=None):
    return services.give_feedback(
        article=item,
        user=user,
        organisation=organisation or user.memberships.first().organisation,
        language="es",
        helpful=False,
        comment=comment,
    )


@pytest.fixture
def activity(world, router):
    """Searches, feedback and visits to the new-ticket form of the last 90 days."""
    billing = RequestType.objects.create(
        section=RequestSection.objects.create(name="Billing"), name="Invoice question"
    )
    invoice = article({"es": ("Tu factura", "Cómo leerla.")})
    Article.objects.filter(pk=router.pk).update(views=40)
    Article.objects.filter(pk=invoice.pk).update(views=7)
    for _ in range(3):
        searched(world, "Fáctura  Duplicada")
    searched(world, "factura duplicada", language="en")
    searched(world, '=HYPERLINK("http://evil")')
    searched(world, "old search", days_ago=120)
    searched(world, "router", results=2)
    searched(world, "router", results=2)
    searched(world, "router", results=2, clicked=router)
    said_no(router, world.member, "No dice qué botón")
    said_no(router, world.manager, "@SUM(1+1)")
    said_no(invoice, world.other_member)
    services.give_feedback(
        article=invoice, user=world.manager, organisation=world.org, language="es", helpful=True
    )
    services.save_translation(
        article=router,
        language="es",
        title="Reiniciar el router",
        summary="",
        body="Nuevo texto.",
        tags="",
        user=world.supervisor,
    )
    visit(
        world,
        Deflection.Outcome.SOLVED,
        request_type=billing,
        shown=[invoice.pk],
        opened=[invoice.pk],
        solved_by=invoice,
    )
    visit(
        world,
        Deflection.Outcome.DEFLECTED,
        request_type=billing,
        shown=[invoice.pk],
        opened=[invoice.pk, router.pk],
    )
    visit(world, Deflection.Outcome.TICKET, request_type=billing, shown=[invoice.pk])
    visit(world, Deflection.Outcome.NOTHING)
    visit(world, Deflection.Outcome.PENDING, request_type=billing, shown=[invoice.pk])
    return {"router": router, "invoice": invoice, "billing": billing}


def section(response, key):
    found = {s.key: s for s in response.context["sections"]}[key]
    return [row.cells for row in found.rows]


def test_report_sections(world, client_for, activity):
    invoice = activity["invoice"]
    response = client_for(world.agent).get(REPORT)
    assert response.status_code == 200

    no_results = section(response, "no-results")
    # Most searched first, then the latest.
    assert [row[:3] for row in no_results] == [
        ["factura duplicada", "Spanish", 3],
        ['=hyperlink("http://evil")', "Spanish", 1],
        ["factura duplicada", "English", 1],
    ]
    assert [row[:3] for row in section(response, "no-click")] == [["router", "Spanish", 2]]
    assert section(response, "unhelpful") == [
        ["Reiniciar el router", 2, 0, "@SUM(1+1)\nNo dice qué botón"],
        ["Tu factura", 1, 1, ""],
    ]
    assert section(response, "stale") == [
        ["Reiniciar el router", "Spanish", "EN", "PT FR", 40],
    ]
    assert section(response, "top-views") == [
        ["Reiniciar el router", 40, "Published"],
        ["Tu factura", 7, "Published"],
    ]
    assert section(response, "top-deflections") == [["Tu factura", 2], ["Reiniciar el router", 1]]
    assert section(response, "request-types") == [
        ["Invoice question", 3, 3, 2, 1, 0, 2 / 3],
        ["No request type", 1, 0, 0, 0, 1, 0.0],
    ]
    html = response.content.decode()
    assert "67%" in html
    assert f'href="{change_url(invoice)}"' in html


def test_report_sections_download_as_csv_with_formulas_defused(world, client_for, activity):
    client = client_for(world.agent)

    response = client.get(REPORT, {"section": "no-results", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="knowledge-no-results-{today}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Search", "Language", "Times", "Last searched"]
    assert [row[:3] for row in rows[1:]] == [
        ["factura duplicada", "Spanish", "3"],
        ['\'=hyperlink("http://evil")', "Spanish", "1"],
        ["factura duplicada", "English", "1"],
    ]
    unhelpful = client.get(REPORT, {"section": "unhelpful", "format": "csv"})
    rows = list(csv.reader(io.StringIO(unhelpful.content.decode())))
    assert rows[1] == ["Reiniciar el router", "2", "0", "'@SUM(1+1)\nNo dice qué botón"]
    types = client.get(REPORT, {"section": "request-types", "format": "csv"})
    assert list(csv.reader(io.StringIO(types.content.decode())))[1] == [
        "Invoice question",
        "3",
        "3",
        "2",
        "1",
        "0",
        "0.6667",
    ]
    assert client.get(REPORT, {"section": "nope", "format": "csv"}).status_code == 404


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("router", "router"),
        (3, "3"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert csv_cell(value) == cell


def test_report_queries_do_not_grow_with_data(
    world, client_for, activity, django_assert_max_num_queries
):
    client = client_for(world.agent)
    with django_assert_max_num_queries(30) as few:
        assert client.get(REPORT).status_code == 200
    for index in range(6):
        more = article({"es": (f"Artículo {index}", "Texto."), "en": (f"Article {index}", "Text.")})
        Article.objects.filter(pk=more.pk).update(views=index + 1)
        said_no(more, member_of(world.org, email=f"m{index}@andes.test"), f"Comentario {index}")
        searched(world, f"busqueda {index}")
        visit(world, Deflection.Outcome.DEFLECTED, opened=[more.pk])
        services.save_translation(
            article=more,
            language="es",
            title=f"Artículo {index}",
            summary="",
            body="Otro.",
            tags="",
            user=None,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(REPORT).status_code == 200


def test_the_report_needs_the_search_log_permission(world, client_for):
    staff = UserFactory(email="plain@support.test", is_staff=True)
    assert client_for(staff).get(REPORT).status_code == 403
    app = client_for(world.agent).get(reverse("admin:app_list", args=["knowledge"]))
    assert REPORT in app.content.decode()
    assert REPORT in client_for(world.agent).get(LIST).content.decode()


# --- Links on a ticket's reply -------------------------------------------------------------


@pytest.fixture
def library(world):
    """Articles about routers: for everyone (in Portuguese and Spanish), for another
    organisation only, internal, and a draft."""
    return {
        "everyone": article(
            {
                "es": ("Reiniciar el router", "Apaga el router y enciéndelo."),
                "pt": ("Reiniciar o roteador", "Desligue o router e ligue de novo."),
            }
        ),
        "spanish_only": article({"es": ("Luces del router", "Qué significa cada luz del router.")}),
        "other": article(
            {"es": ("Router de Other Co", "Solo para ellos: router.")},
            visibility=Visibility.ORGANISATIONS,
            organisations=[world.other_org],
        ),
        "internal": article(
            {"es": ("Router: notas internas", "Router.")}, visibility=Visibility.INTERNAL
        ),
        "draft": article({"es": ("Router borrador", "Router.")}, status=Status.DRAFT),
    }


def links(client, ticket, **params):
    url = reverse("admin:knowledge_article_links", args=[ticket.pk])
    response = client.get(url, params, headers={"accept": "application/json"})
    assert response.status_code == 200
    return response.json()


def test_ticket_links_find_what_the_organisation_reads_titled_in_the_requesters_language(
    world, client_for, library
):
    world.member.language = "pt"
    world.member.save(update_fields=["language"])
    ticket = open_ticket(world)
    client = client_for(world.agent)

    found = links(client, ticket, q="router")

    by_id = {link["id"]: link for link in found["results"]}
    assert set(by_id) == {library["everyone"].pk, library["spanish_only"].pk}
    everyone = by_id[library["everyone"].pk]
    url = f"http://testserver/help/articles/{library['everyone'].pk}/"
    assert everyone == {
        "id": library["everyone"].pk,
        "title": "Reiniciar o roteador",
        "summary": "",
        "language": "pt",
        "url": url,
        "insert": f"Reiniciar o roteador: {url}",
    }
    # No Portuguese text: the organisation's language (Spanish), as the portal shows it.
    assert by_id[library["spanish_only"].pk]["title"] == "Luces del router"


def test_ticket_links_start_with_the_request_types_articles(world, client_for, library):
    kind = RequestType.objects.create(
        section=RequestSection.objects.create(name="Network"), name="No connection"
    )
    library["everyone"].request_types.add(kind)
    library["other"].request_types.add(kind)
    ticket = open_ticket(world, request_type=kind)

    found = links(client_for(world.agent), ticket)

    # Spanish: the requester's own language.
    assert [link["title"] for link in found["results"]] == ["Reiniciar el router"]
    assert found["heading"] == "To read first for this request type"


def test_ticket_links_as_a_page_without_javascript(world, client_for, library):
    ticket = open_ticket(world)
    url = reverse("admin:knowledge_article_links", args=[ticket.pk])
    page = client_for(world.agent).get(url, {"q": "router"})
    assert page.status_code == 200
    assert "Reiniciar el router: http://testserver/help/articles/" in page.content.decode()


def test_the_ticket_page_shows_the_link_panel_before_the_reply(world, client_for, library):
    ticket = open_ticket(world)
    page = client_for(world.agent).get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert page.context["knowledge_links"]["url"] == reverse(
        "admin:knowledge_article_links", args=[ticket.pk]
    )
    html = page.content.decode()
    assert "knowledge/ticket-links.js" in html
    assert html.index("data-kb-links") < html.index('data-composer="reply"')


def test_ticket_links_need_the_ticket_and_the_articles(world, client_for, library):
    ticket = open_ticket(world)
    plain = UserFactory(email="plain@support.test", is_staff=True)
    url = reverse("admin:knowledge_article_links", args=[ticket.pk])
    assert client_for(plain).get(url).status_code == 403
    missing = reverse("admin:knowledge_article_links", args=[ticket.pk + 1000])
    assert client_for(world.agent).get(missing).status_code == 404
    page = client_for(plain).get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert "knowledge_links" not in (page.context or {})


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_languages_feedback_and_filters(world, client_for, router):
    services.give_feedback(
        article=router, user=world.member, organisation=world.org, language="es", helpful=True
    )
    said_no(router, world.manager)
    said_no(router, world.other_member)
    french = article({"fr": ("Redémarrer", "Texte.")}, status=Status.DRAFT)
    client = client_for(world.agent)

    page = client.get(LIST)

    rows = {row.pk: row for row in page.context["cl"].result_list}
    admin_ = page.context["cl"].model_admin
    assert admin_.title(rows[router.pk]) == "Reiniciar el router"
    assert admin_.languages(rows[router.pk]) == "ES EN"
    assert admin_.missing(rows[router.pk]) == "PT FR"
    assert (rows[router.pk].yes_count, rows[router.pk].no_count) == (1, 2)
    assert admin_.title(rows[french.pk]) == "Redémarrer"

    def listed(**params):
        return sorted(a.pk for a in client.get(LIST, params).context["cl"].result_list)

    assert listed(missing="en") == [french.pk]
    assert listed(missing="any") == sorted([router.pk, french.pk])
    assert listed(status="draft") == [french.pk]
    assert listed(stale="any") == []
    assert listed(q="Redémarrer") == [french.pk]


def test_the_list_reads_the_same_queries_for_more_articles(
    world, client_for, django_assert_max_num_queries
):
    def write(count):
        for index in range(count):
            item = article(
                {"es": (f"Artículo {index}", "Texto."), "en": (f"Article {index}", "Text.")}
            )
            said_no(item, world.member)

    write(2)
    client = client_for(world.agent)
    with django_assert_max_num_queries(20) as few:
        assert client.get(LIST).status_code == 200
    write(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_the_article_page_reads_the_same_queries_for_more_of_everything(
    world, client_for, router, django_assert_max_num_queries
):
    def more(count):
        for index in range(count):
            other = article({"es": (f"Relacionado {index}", "Texto.")})
            router.related.add(other)
            ArticleAttachment.objects.create(
                article=router, name=f"f{other.pk}.png", content_type="image/png", file="x.png"
            )

    more(1)
    client = client_for(world.supervisor)
    with django_assert_max_num_queries(40) as few:
        assert client.get(change_url(router)).status_code == 200
    more(4)
    services.save_translation(
        article=router,
        language="pt",
        title="Reiniciar",
        summary="",
        body="Texto.",
        tags="",
        user=world.agent,
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(change_url(router)).status_code == 200


def test_the_versions_page_reads_the_same_queries_for_more_versions(
    world, client_for, router, django_assert_max_num_queries
):
    client = client_for(world.agent)
    url = reverse("admin:knowledge_article_versions", args=[router.pk, "es"])
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for index in range(5):
        services.save_translation(
            article=router,
            language="es",
            title="Reiniciar el router",
            summary="",
            body=f"Versión {index}.",
            tags="",
            user=world.supervisor,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- Categories ---------------------------------------------------------------------------


def test_categories_nest_one_level_only(world, client_for):
    top = category("Connectivity")
    child = category("Wifi", parent=top)
    client = client_for(world.supervisor)
    response = client.post(
        reverse("admin:knowledge_category_add"),
        {"name": "Deep", "parent": child.pk, "icon": "book", "order": 0},
    )
    assert response.status_code == 200
    # Only top-level categories are offered as parents.
    choices = response.context["adminform"].form.fields["parent"].queryset
    assert list(choices) == [top]
    assert not Category.objects.filter(name="Deep").exists()
    moved = client.post(
        reverse("admin:knowledge_category_change", args=[top.pk]),
        {"name": "Connectivity", "parent": category("Other").pk, "icon": "wifi", "order": 0},
    )
    assert "This category has subcategories" in moved.content.decode()
    created = client.post(
        reverse("admin:knowledge_category_add"),
        {"name": "Fibre", "name_es": "Fibra", "parent": top.pk, "icon": "wifi", "order": 2},
    )
    assert created.status_code == 302
    fibre = Category.objects.get(name="Fibre")
    assert (fibre.parent, fibre.tr("name", "es")) == (top, "Fibra")


# --- Who may do what ----------------------------------------------------------------------


def test_agents_write_and_publish_and_supervisors_do_everything(world, client_for, router):
    agent, supervisor = client_for(world.agent), None
    assert agent.get(ADD).status_code == 200
    assert agent.get(reverse("admin:knowledge_category_add")).status_code == 403
    assert agent.get(reverse("admin:knowledge_article_delete", args=[router.pk])).status_code == (
        403
    )
    assert agent.get(reverse("admin:knowledge_deflection_changelist")).status_code == 403
    assert agent.get(reverse("admin:knowledge_feedback_changelist")).status_code == 200
    assert agent.get(reverse("admin:knowledge_searchlog_changelist")).status_code == 200
    # Records are read-only, for everyone.
    supervisor = client_for(world.supervisor)
    for name in ["feedback", "searchlog", "deflection"]:
        assert supervisor.get(reverse(f"admin:knowledge_{name}_changelist")).status_code == 200
        assert supervisor.get(reverse(f"admin:knowledge_{name}_add")).status_code == 403
    assert supervisor.get(reverse("admin:knowledge_category_add")).status_code == 200
    assert supervisor.get(
        reverse("admin:knowledge_article_delete", args=[router.pk])
    ).status_code == (200)


def test_staff_who_only_read_articles_see_texts_and_versions_but_change_nothing(
    world, client_for, router
):
    reader = UserFactory(email="reader@support.test", is_staff=True)
    reader.user_permissions.add(
        *Group.objects.get(name=AGENT).permissions.filter(codename__startswith="view_")
    )
    client = client_for(reader)
    assert client.get(change_url(router)).status_code == 200
    versions = client.get(reverse("admin:knowledge_article_versions", args=[router.pk, "es"]))
    assert versions.status_code == 200 and not versions.context["may_restore"]
    version = router.translations.get(language="es").versions.get()
    restore = reverse("admin:knowledge_article_restore", args=[router.pk, version.pk])
    assert client.post(restore).status_code == 403
    assert client.post(LIST, {"action": "publish_articles", ACTION_CHECKBOX_NAME: [router.pk]})
    assert router.translations.get(language="es").revision == 1


def test_the_records_read_the_same_queries_for_more_rows(
    world, client_for, router, django_assert_max_num_queries
):
    def more(count):
        for index in range(count):
            item = article({"es": (f"Otro {index}", "Texto.")})
            said_no(item, member_of(world.org, email=f"r{index}-{item.pk}@andes.test"), "No.")
            searched(world, f"busqueda {index}", results=1, clicked=item)
            visit(world, Deflection.Outcome.SOLVED, opened=[item.pk], solved_by=item)

    more(1)
    client = client_for(world.supervisor)
    lists = [
        reverse(f"admin:knowledge_{name}_changelist")
        for name in ("feedback", "searchlog", "deflection")
    ]
    counts = []
    for url in lists:
        with django_assert_max_num_queries(20) as few:
            assert client.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    more(5)
    for url, count in zip(lists, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
