from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.models import Membership
from activity.services import record_event


def test_profile_saves_and_switches_language_at_once(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Diego F.",
            "language": "fr",
            "timezone": "Europe/Paris",
            "phone": "+56 9",
        },
        follow=True,
    )
    world.member.refresh_from_db()
    assert (world.member.display_name, world.member.language) == ("Diego F.", "fr")
    assert world.member.timezone == "Europe/Paris"
    assert '<html lang="fr">' in response.content.decode()


def test_profile_rejects_bad_input_and_changes_nothing(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "", "language": "de", "timezone": "Mars/Olympus", "phone": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"display_name", "language", "timezone"}
    world.member.refresh_from_db()
    assert world.member.display_name == "Diego"
    assert world.member.language == "en"


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Dashboard"), ("es", "Panel"), ("pt", "Painel"), ("fr", "Tableau de bord")],
)
def test_language_switch_translates_the_dashboard(client, world, language, heading):
    client.force_login(world.member)
    response = client.post(
        reverse("accounts:language_switch"),
        {"language": language, "next": reverse("portal:dashboard")},
        follow=True,
    )
    body = response.content.decode()
    tag = {"en": "en-gb", "pt": "pt-br"}.get(language, language)  # with its region
    assert f'<html lang="{tag}">' in body
    assert f"<h1>{heading}</h1>" in body
    world.member.refresh_from_db()
    assert world.member.language == language


def test_language_switch_ignores_unknown_language_and_foreign_next(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("accounts:language_switch"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:home")
    world.member.refresh_from_db()
    assert world.member.language == "en"


def test_anonymous_visitor_picks_a_language_on_the_login_page(client, db):
    client.post(reverse("set_language"), {"language": "pt", "next": reverse("accounts:login")})
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="pt-br">' in body
    assert "Entrar" in body


def test_dates_are_shown_in_the_user_time_zone(client, world):
    world.member.timezone = "America/Santiago"
    world.member.save()
    membership = Membership.objects.get(user=world.manager)
    event = record_event(
        organisation=world.org,
        actor=world.manager,
        verb="member_joined",
        target=membership,
        data={"member": "Camila", "role": "manager"},
    )
    event.created_at = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    event.save()
    client.force_login(world.member)
    body = client.get(reverse("portal:dashboard")).content.decode()
    # 12:00 UTC is 09:00 in Santiago (UTC-3 in January).
    assert "2026-01-15T09:00:00-03:00" in body
    assert "America/Santiago" in body


def test_password_change(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "a-new-long-secret-77",
            "new_password2": "a-new-long-secret-77",
        },
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.check_password("a-new-long-secret-77")
    # The session survives its own password change.
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_password_reset_by_email(client, world, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "member@andes.test"})
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    path = body[body.index("/account/password/reset/") :].split()[0]
    response = client.get(path, follow=True)
    assert response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "brand-new-secret-91", "new_password2": "brand-new-secret-91"}
    )
    world.member.refresh_from_db()
    assert world.member.check_password("brand-new-secret-91")


def test_password_reset_for_unknown_address_reveals_nothing(client, db, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_organisation_switcher(client, world):
    from tests.factories import PartnerAssignmentFactory

    PartnerAssignmentFactory(partner=world.partner.partner, organisation=world.other_org)
    client.force_login(world.partner)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "Other Co" in body and "Andes Fibra" in body
    client.post(reverse("accounts:organisation_switch", args=[world.other_org.pk]))
    response = client.get(reverse("portal:dashboard"))
    assert response.context["organisation"] == world.other_org
    assert response.context["request"].access.is_partner
