from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activity.models import Event
from tickets.models import (
    PriorityRule,
    RequestSection,
    RequestType,
    RequestTypeField,
    Ticket,
    TicketPolicy,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
URL = "tickets:create"


def _post(client, **data):
    payload = {"subject": "Printer", "description": "It prints nothing", **data}
    return client.post(reverse(URL), payload)


def test_client_opens_a_ticket(client, world):
    client.force_login(world.member)
    response = _post(client, priority="high", watchers=[world.other_member.pk])
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert ticket.number.startswith("TKT-")
    assert (ticket.requester, ticket.organisation, ticket.priority) == (
        world.member,
        world.org,
        "high",
    )
    assert list(ticket.watchers.values_list("user", flat=True)) == [world.other_member.pk]
    assert Event.objects.filter(verb="ticket_opened", organisation=world.org).count() == 1


def test_subject_and_description_are_required_each_next_to_its_field(client, world):
    client.force_login(world.member)
    response = _post(client, subject="  ", description="")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["subject"] == ["Give the ticket a subject."]
    assert form.errors["description"] == ["Describe what is happening."]
    assert form.non_field_errors() == []
    assert not Ticket.objects.exists()


def test_a_subject_too_long_is_told_so_next_to_the_subject(client, world):
    client.force_login(world.member)
    response = _post(client, subject="A" * 250, description="Router down")
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["subject"]
    assert "at most 200 characters (it has 250)" in form.errors["subject"][0]
    body = response.content.decode()
    assert "field--error" in body
    assert not Ticket.objects.exists()


def test_required_message_is_translated(client, world):
    world.member.language = "es"
    world.member.save()
    client.force_login(world.member)
    response = _post(client, subject="", description="")
    body = response.content.decode()
    assert "Ponle un asunto al ticket." in body
    assert "Describe lo que está pasando." in body


def test_no_dashes_for_an_empty_choice(client, world):
    from tickets import services

    client.force_login(world.member)
    body = client.get(reverse("tickets:create")).content.decode()
    assert "---------" not in body
    assert "Not sure" in body
    ticket = services.ticket_open(
        organisation=world.org, requester=world.member, subject="VPN", description="Down"
    )
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "---------" not in body
    assert "Choose a person" in body  # the watcher picker's empty choice


def test_priority_set_by_rule_when_the_organisation_says_so(client, world):
    TicketPolicy.objects.create(organisation=world.org, client_sets_priority=False)
    section = RequestSection.objects.create(name="Incidents")
    outage = RequestType.objects.create(section=section, name="Outage", default_priority="high")
    PriorityRule.objects.create(request_type=outage, category=None, priority="critical")
    client.force_login(world.member)
    form_page = client.get(reverse(URL))
    assert 'name="priority"' not in form_page.content.decode()
    _post(client, request_type=outage.pk, priority="low")  # a forged choice is ignored
    assert Ticket.objects.get().priority == "critical"


def test_extra_fields_of_the_request_type(client, world):
    section = RequestSection.objects.create(name="Incidents")
    slow = RequestType.objects.create(section=section, name="Slow", guidance="Run a speed test")
    RequestTypeField.objects.create(
        request_type=slow, key="speed", label="Measured speed", kind="number", required=True
    )
    client.force_login(world.member)
    page = client.get(reverse(URL), {"request_type": slow.pk}, headers={"HX-Request": "true"})
    assert "Run a speed test" in page.content.decode()
    assert 'name="extra_speed"' in page.content.decode()
    assert _post(client, request_type=slow.pk, extra_speed="fast").status_code == 400
    assert not Ticket.objects.exists()
    _post(client, request_type=slow.pk, extra_speed="87.5")
    assert Ticket.objects.get().extra == {"speed": {"label": "Measured speed", "value": "87.5"}}


def test_request_type_limited_to_other_organisations_is_not_offered(client, world):
    section = RequestSection.objects.create(name="Special")
    private = RequestType.objects.create(section=section, name="Only for Other Co")
    private.organisations.add(world.other_org)
    client.force_login(world.member)
    assert "Only for Other Co" not in client.get(reverse(URL)).content.decode()
    response = _post(client, request_type=private.pk)
    assert response.status_code == 400  # a forged choice is an error, not a ticket
    assert not Ticket.objects.exists()


def test_secret_warning_then_send_anyway(client, world):
    client.force_login(world.member)
    response = _post(client, description="Router login admin password=Sup3rSecret!")
    assert response.status_code == 400
    assert "a password" in response.content.decode()
    assert 'name="send_anyway"' in response.content.decode()
    assert not Ticket.objects.exists()
    _post(client, description="Router login admin password=Sup3rSecret!", send_anyway="on")
    assert Ticket.objects.count() == 1


def test_attachments_are_stored_with_clean_names(client, world):
    client.force_login(world.member)
    files = [
        SimpleUploadedFile("../../etc/screen\x07shot.png", PNG),
        SimpleUploadedFile("router.log", b"eth0 down\n"),
    ]
    _post(client, attachments=files)
    names = sorted(Ticket.objects.get().attachments.values_list("name", flat=True))
    assert names == ["router.log", "screenshot.png"]


def test_file_whose_content_does_not_match_its_name_is_refused(client, world):
    client.force_login(world.member)
    response = _post(client, attachments=[SimpleUploadedFile("photo.png", b"%PDF-1.7 ...")])
    assert response.status_code == 400
    assert "does not match its name" in response.content.decode()
    assert not Ticket.objects.exists()


def test_executables_are_refused(client, world):
    client.force_login(world.member)
    response = _post(client, attachments=[SimpleUploadedFile("setup.exe", b"MZ\x90\x00")])
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_too_many_or_too_large_files(client, world, settings):
    settings.ATTACHMENT_MAX_COUNT = 2
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(world.member)
    three = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(3)]
    assert "at most 2 files" in _post(client, attachments=three).content.decode()
    big = [SimpleUploadedFile("big.txt", b"x" * 101)]
    assert "larger than" in _post(client, attachments=big).content.decode()
    assert not Ticket.objects.exists()


def test_svg_is_sanitised(client, world):
    client.force_login(world.member)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
        b'<rect width="5" height="5"/><image href="https://evil.example/x.png"/></svg>'
    )
    _post(client, attachments=[SimpleUploadedFile("diagram.svg", svg)])
    stored = Ticket.objects.get().attachments.get()
    data = stored.file.read()
    assert b"<rect" in data
    assert b"script" not in data and b"onload" not in data and b"evil.example" not in data


def test_svg_with_entities_is_refused(client, world):
    client.force_login(world.member)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    response = _post(client, attachments=[SimpleUploadedFile("bomb.svg", bomb)])
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_member_of_two_organisations_chooses_where_to_open(client, world):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.member, organisation=world.other_org)
    client.force_login(world.member)
    _post(client, organisation=world.other_org.pk)
    assert Ticket.objects.get().organisation == world.other_org


def test_cannot_open_a_ticket_for_a_foreign_organisation(client, world):
    client.force_login(world.member)
    _post(client, organisation=world.other_org.pk)
    assert Ticket.objects.get().organisation == world.org  # falls back to the active one
