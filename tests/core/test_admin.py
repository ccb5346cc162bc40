"""core.admin: read-only admins and inlines, and links to an object's admin page."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import Membership, Organisation
from core.admin import ReadOnlyAdminMixin, admin_link, change_url
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


class _Plain(admin.ModelAdmin):
    pass


class _ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class _PlainInline(admin.TabularInline):
    model = Membership


class _ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership


@pytest.fixture
def request_of_superuser():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


def test_a_read_only_admin_refuses_add_change_and_delete(request_of_superuser):
    site = admin.AdminSite()
    plain, read_only = _Plain(Organisation, site), _ReadOnly(Organisation, site)
    organisation = OrganisationFactory()
    assert plain.has_add_permission(request_of_superuser)
    assert plain.has_change_permission(request_of_superuser, organisation)
    assert not read_only.has_add_permission(request_of_superuser)
    assert not read_only.has_change_permission(request_of_superuser, organisation)
    assert not read_only.has_delete_permission(request_of_superuser, organisation)
    # Viewing stays: the records are there to be read.
    assert read_only.has_view_permission(request_of_superuser, organisation)


def test_a_read_only_inline_refuses_add_change_and_delete(request_of_superuser):
    site = admin.AdminSite()
    organisation = OrganisationFactory()
    plain = _PlainInline(Organisation, site)
    read_only = _ReadOnlyInline(Organisation, site)
    assert plain.has_add_permission(request_of_superuser, organisation)
    assert not read_only.has_add_permission(request_of_superuser, organisation)
    assert not read_only.has_change_permission(request_of_superuser, organisation)
    assert not read_only.has_delete_permission(request_of_superuser, organisation)


def test_admin_link_points_at_the_change_page_and_escapes_its_text():
    organisation = OrganisationFactory(name="Fish & <Chips>")
    url = f"/admin/accounts/organisation/{organisation.pk}/change/"
    assert change_url(organisation) == url
    assert admin_link(organisation) == f'<a href="{url}">Fish &amp; &lt;Chips&gt;</a>'
    assert admin_link(organisation, "T-1") == f'<a href="{url}">T-1</a>'
