import factory
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import (
    Invitation,
    Membership,
    Organisation,
    Partner,
    PartnerAssignment,
    Role,
    User,
)

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    country = "CL"
    timezone = "America/Santiago"
    default_language = "es"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    language = "en"
    timezone = "UTC"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")


class PartnerAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAssignment

    partner = factory.SubFactory(PartnerFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


def member_of(organisation, role=Role.MEMBER, **user_fields) -> User:
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def partner_user_for(*organisations, **user_fields) -> User:
    partner = PartnerFactory()
    for organisation in organisations:
        PartnerAssignmentFactory(partner=partner, organisation=organisation)
    return UserFactory(partner=partner, **user_fields)


# The personas of a scoping test of `Model.objects.visible_to(user)`, around world.org.
PERSONAS = [
    "manager",
    "member",
    "partner",
    "stray_partner",
    "outsider",
    "agent",
    "anonymous",
    "inactive_manager",
]


def persona(world, name: str):
    """The user a scoping test asks about: one of `world`'s, nobody logged in, or
    world.manager whose membership was turned off."""
    if name == "anonymous":
        return AnonymousUser()
    if name == "inactive_manager":
        Membership.objects.filter(user=world.manager).update(is_active=False)
        return world.manager
    return getattr(world, name)
