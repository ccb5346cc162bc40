"""Texts staff configure (request types, fields, categories, services) in the reader's language."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.configtext import organisation_language
from contracts.models import Service
from tests.tickets.factories import TicketFactory
from tickets.models import Category, RequestSection, RequestType, RequestTypeField, Ticket

CREATE = reverse("tickets:create")


def _category(slug, name, **versions):
    # Categories come from a migration, which a transactional test's flush removes.
    return Category.objects.get_or_create(slug=slug, defaults={"name": name, **versions})[0]


@pytest.fixture
def slow(db):
    """A request type with Spanish and French versions and no Portuguese one."""
    section = RequestSection.objects.create(
        name="Incidents", name_es="Incidencias", name_fr="Incidents réseau"
    )
    request_type = RequestType.objects.create(
        section=section,
        name="Slow connection",
        name_es="Conexión lenta",
        name_fr="Connexion lente",
        guidance="Run a speed test first.",
        guidance_es="Haga primero una prueba de velocidad.",
        guidance_fr="Faites d'abord un test de débit.",
        default_category=_category(
            "slow-speed", "Slow speed", name_es="Velocidad lenta", name_fr="Débit lent"
        ),
    )
    RequestTypeField.objects.create(
        request_type=request_type,
        key="speed",
        label="Measured speed",
        label_es="Velocidad medida",
        label_fr="Débit mesuré",
        help_text="What the test gave.",
        help_text_es="Lo que dio la prueba.",
        help_text_fr="Ce que le test a donné.",
        kind=RequestTypeField.Kind.NUMBER,
        order=0,
    )
    RequestTypeField.objects.create(
        request_type=request_type,
        key="connection",
        label="Connection",
        label_es="Conexión",
        label_fr="Connexion",
        kind=RequestTypeField.Kind.CHOICE,
        choices="cable|Cable\nwifi|Wireless",
        choices_es="cable|Cable de red\nwifi|Inalámbrica",
        choices_fr="cable|Câble\nwifi|Sans fil",
        order=1,
    )
    return request_type


def _reader(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def _form(client, user, request_type):
    client.force_login(user)
    response = client.get(CREATE, {"request_type": request_type.pk})
    assert response.status_code == 200
    return response.content.decode()


def _open(client, user, request_type, **extra):
    client.force_login(user)
    data = {"subject": "Slow", "description": "Every evening", "request_type": request_type.pk}
    return client.post(CREATE, {**data, **extra})


# The new-ticket form ---------------------------------------------------------------


def test_a_spanish_client_reads_the_form_in_spanish(client, world, slow):
    body = _form(client, _reader(world.member, "es"), slow)
    for text in (
        "Incidencias",
        "Conexión lenta",
        "Haga primero una prueba de velocidad.",
        "Velocidad medida",
        "Lo que dio la prueba.",
        "Cable de red",
        "Inalámbrica",
    ):
        assert text in body
    for text in ("Slow connection", "Run a speed test first.", "Measured speed", "Wireless"):
        assert text not in body
    # The option's value is the stable key, not the label.
    assert '<option value="wifi">Inalámbrica</option>' in body


def test_a_french_client_reads_the_form_in_french(client, world, slow):
    body = _form(client, _reader(world.member, "fr"), slow)
    for text in (
        "Incidents réseau",
        "Connexion lente",
        "Faites d&#x27;abord un test de débit.",
        "Débit mesuré",
        "Ce que le test a donné.",
        '<option value="wifi">Sans fil</option>',
    ):
        assert text in body
    assert "Conexión lenta" not in body and "Haga primero" not in body


def test_a_missing_language_falls_back_to_the_organisations_language(client, world, slow):
    # No Portuguese version: a Portuguese reader at Andes Fibra (default Spanish)
    # reads Spanish, the organisation's language, before English.
    body = _form(client, _reader(world.member, "pt"), slow)
    assert "Haga primero una prueba de velocidad." in body
    assert "Velocidad medida" in body and "Inalámbrica" in body
    assert "Run a speed test first." not in body


def test_then_english_then_any_version(world, slow):
    speed = slow.fields.get(key="speed")
    with organisation_language("en"):
        assert slow.tr("guidance", "pt") == "Run a speed test first."
    with organisation_language(None), translation.override("pt-br"):
        assert slow.tr("guidance") == "Run a speed test first."
        speed.help_text = ""
        speed.help_text_es = ""
        # Only French is left: shown rather than nothing.
        assert speed.tr("help_text") == "Ce que le test a donné."
        assert speed.tr("label") == "Measured speed"


def test_a_choice_is_checked_against_its_key_whatever_the_language(client, world, slow):
    french = _reader(world.member, "fr")
    response = _open(client, french, slow, extra_speed="80", extra_connection="Sans fil")
    assert response.status_code == 400
    assert "extra_connection" in response.context["form"].errors
    assert not Ticket.objects.exists()

    response = _open(client, french, slow, extra_speed="80", extra_connection="wifi")
    assert response.status_code == 302
    assert Ticket.objects.get().extra["connection"]["value"] == "wifi"


def test_choices_keep_the_answers_given_before_keys_existed(world, slow):
    # A line without | (as written before keys) is its own key and label.
    field = slow.fields.get(key="connection")
    field.choices = "Cable\nWiFi"
    field.choices_es = "WiFi|Wi-Fi doméstica"
    assert field.choice_items("es") == [("Cable", "Cable"), ("WiFi", "Wi-Fi doméstica")]


def test_translated_choices_may_only_use_the_english_keys(world, slow):
    field = slow.fields.get(key="connection")
    field.choices_pt = "cabo|Cabo"
    with pytest.raises(ValidationError) as caught:
        field.full_clean()
    assert "cabo" in str(caught.value.message_dict["choices_pt"])
    field.choices_pt = "cable|Cabo"
    field.full_clean()


def test_a_choice_field_needs_choices(world, slow):
    field = slow.fields.get(key="connection")
    field.choices = ""
    field.choices_es = ""
    field.choices_fr = ""
    with pytest.raises(ValidationError) as caught:
        field.full_clean()
    assert list(caught.value.message_dict) == ["choices"]
    field.kind = RequestTypeField.Kind.TEXT
    field.full_clean()


# The ticket page and list ------------------------------------------------------------


def _ticket_with_answers(client, world, slow):
    response = _open(
        client, _reader(world.member, "en"), slow, extra_speed="80", extra_connection="wifi"
    )
    assert response.status_code == 302
    return Ticket.objects.get()


def test_the_ticket_page_shows_type_category_and_answers_in_the_readers_language(
    client, world, slow
):
    ticket = _ticket_with_answers(client, world, slow)
    url = ticket.get_absolute_url()

    client.force_login(_reader(world.member, "es"))
    body = client.get(url).content.decode()
    for text in ("Conexión lenta", "Velocidad lenta", "Velocidad medida", "Inalámbrica"):
        assert text in body
    assert "Wireless" not in body and "Measured speed" not in body

    client.force_login(_reader(world.member, "fr"))
    body = client.get(url).content.decode()
    for text in ("Connexion lente", "Débit lent", "Débit mesuré", "Sans fil"):
        assert text in body


def test_an_answer_to_a_field_since_removed_keeps_its_stored_label(client, world, slow):
    ticket = _ticket_with_answers(client, world, slow)
    slow.fields.filter(key="speed").delete()
    client.force_login(_reader(world.member, "es"))
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "Measured speed" in body and "80" in body


def test_the_list_and_its_category_filter_are_in_the_readers_language(client, world, slow):
    _category("connectivity", "Connectivity", name_fr="Connectivité")
    TicketFactory(organisation=world.org, requester=world.member, category=slow.default_category)
    client.force_login(_reader(world.member, "fr"))
    body = client.get(reverse("tickets:list")).content.decode()
    assert "Débit lent" in body and "Connectivité" in body
    assert "Slow speed" not in body


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_new_ticket_page_queries_do_not_grow_with_request_types(
    client, world, slow, django_assert_max_num_queries
):
    client.force_login(_reader(world.member, "fr"))
    params = {"request_type": slow.pk}
    first = _count(client, CREATE, params)
    for n in range(8):
        other = RequestType.objects.create(
            section=slow.section, name=f"Type {n}", name_fr=f"Type {n} fr", order=n + 1
        )
        RequestTypeField.objects.create(request_type=other, key="k", label="K", label_fr="K fr")
    with django_assert_max_num_queries(first):
        response = client.get(CREATE, params)
    assert "Type 7 fr" in response.content.decode()


def test_ticket_list_queries_do_not_grow_with_categories_and_types(
    client, world, slow, django_assert_max_num_queries
):
    client.force_login(_reader(world.member, "es"))
    TicketFactory(organisation=world.org, requester=world.member, request_type=slow)
    first = _count(client, reverse("tickets:list"))
    _category("billing", "Billing", name_es="Facturación")
    for n in range(5):
        _category(f"more-{n}", f"More {n}", name_es=f"Más {n}")
    for category in Category.objects.all():
        TicketFactory(
            organisation=world.org,
            requester=world.member,
            category=category,
            request_type=slow,
        )
    with django_assert_max_num_queries(first):
        response = client.get(reverse("tickets:list"))
    assert "Facturación" in response.content.decode()


# Services on the contracts page ------------------------------------------------------


def test_service_names_and_kinds_are_in_the_readers_language(client, world, contract):
    Service.objects.create(
        organisation=world.org,
        name="Managed firewall",
        name_fr="Pare-feu géré",
        kind="Security",
        kind_es="Seguridad",
        kind_fr="Sécurité",
    )
    url = reverse("contracts:detail", args=[contract.pk])
    client.force_login(_reader(world.manager, "fr"))
    body = client.get(url).content.decode()
    assert "Pare-feu géré" in body and "Sécurité" in body
    assert "Managed firewall" not in body

    # No Spanish name: the organisation's language is Spanish too, so English.
    client.force_login(_reader(world.manager, "es"))
    body = client.get(url).content.decode()
    assert "Managed firewall" in body and "Seguridad" in body


# The admin -----------------------------------------------------------------------------


def test_staff_edit_each_language_and_see_what_is_missing(client_for, world, slow):
    client = client_for(world.supervisor)
    RequestType.objects.create(
        section=slow.section, name="Q", name_es="P", name_pt="P", name_fr="Q fr"
    )
    url = reverse("admin:tickets_requesttype_change", args=[slow.pk])
    body = client.get(url).content.decode()
    assert 'name="guidance_fr"' in body and 'name="fields-1-choices_es"' in body
    assert '<div class="readonly">Portuguese</div>' in body  # the missing language

    changelist = client.get(reverse("admin:tickets_requesttype_changelist")).content.decode()
    assert '<td class="field-missing_languages">Portuguese</td>' in changelist
    assert '<td class="field-missing_languages">—</td>' in changelist  # a complete one

    category = Category.objects.get(slug="slow-speed")
    response = client.post(
        reverse("admin:tickets_category_change", args=[category.pk]),
        {
            "slug": category.slug,
            "order": category.order,
            "is_active": "on",
            "name": "Slow speed",
            "name_es": "Velocidad lenta",
            "name_pt": "Velocidade baixa",
            "name_fr": "Débit insuffisant",
        },
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name_pt, category.name_fr) == ("Velocidade baixa", "Débit insuffisant")
    with translation.override("fr"):
        assert str(category) == "Débit insuffisant"


def test_admin_refuses_a_translated_choice_with_an_unknown_key(client_for, world, slow):
    client = client_for(world.supervisor)
    url = reverse("admin:tickets_requesttype_change", args=[slow.pk])
    data = {
        "section": slow.section_id,
        "order": 0,
        "is_active": "on",
        "default_priority": slow.default_priority,
        "default_category": slow.default_category_id,
        "name": slow.name,
        "fields-TOTAL_FORMS": 2,
        "fields-INITIAL_FORMS": 2,
        "fields-MIN_NUM_FORMS": 0,
        "fields-MAX_NUM_FORMS": 1000,
    }
    for i, field in enumerate(slow.fields.order_by("order")):
        data |= {
            f"fields-{i}-id": field.pk,
            f"fields-{i}-request_type": slow.pk,
            f"fields-{i}-key": field.key,
            f"fields-{i}-kind": field.kind,
            f"fields-{i}-order": field.order,
            f"fields-{i}-label": field.label,
            f"fields-{i}-choices": field.choices,
            f"fields-{i}-choices_pt": "cabo|Cabo" if field.key == "connection" else "",
        }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Unknown keys: cabo" in response.content.decode()
    assert slow.fields.get(key="connection").choices_pt == ""

    data["fields-1-choices_pt"] = "cable|Cabo\nwifi|Sem fio"
    assert client.post(url, data).status_code == 302
    assert slow.fields.get(key="connection").choice_items("pt")[1] == ("wifi", "Sem fio")
