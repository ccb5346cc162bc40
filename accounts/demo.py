"""The demo's organisations and people, in each organisation's language and time zone."""

from django.contrib.auth.models import Group

from .models import Membership, Organisation, Partner, PartnerAssignment, Role, User
from .roles import AGENT, SUPERVISOR, sync_staff_groups

PASSWORD = "demo-portal-2026"

ORGANISATIONS = [
    ("andes-fibra", "Andes Fibra", "CL", "America/Santiago", "es"),
    ("vale-telecom", "Vale Telecom", "BR", "America/Sao_Paulo", "pt"),
    ("atelier-reseaux", "Atelier Réseaux", "FR", "Europe/Paris", "fr"),
    ("northwind-it", "Northwind IT", "GB", "Europe/London", "en"),
]

# (email, name, language, timezone, staff group, partner)
PEOPLE = [
    ("manager@andes.example", "Camila Rojas", "es", "America/Santiago", None, None),
    ("member@andes.example", "Diego Fuentes", "es", "America/Santiago", None, None),
    ("member2@andes.example", "Valentina Soto", "es", "America/Santiago", None, None),
    ("manager@vale.example", "Beatriz Almeida", "pt", "America/Sao_Paulo", None, None),
    ("member@vale.example", "Rafael Costa", "pt", "America/Sao_Paulo", None, None),
    ("manager@atelier.example", "Claire Martin", "fr", "Europe/Paris", None, None),
    ("manager@northwind.example", "Oliver Hughes", "en", "Europe/London", None, None),
    ("partner@techpartners.example", "Lucía Méndez", "es", "Europe/Madrid", None, "TechPartners"),
    ("agent@support.example", "Ana Agent", "en", "Europe/Madrid", AGENT, None),
    ("supervisor@support.example", "Sergio Supervisor", "es", "Europe/Madrid", SUPERVISOR, None),
]

MEMBERSHIPS = [
    ("manager@andes.example", "andes-fibra", Role.MANAGER),
    ("member@andes.example", "andes-fibra", Role.MEMBER),
    ("member2@andes.example", "andes-fibra", Role.MEMBER),
    # A member of two organisations picks which one to act for.
    ("member@andes.example", "northwind-it", Role.MEMBER),
    ("manager@vale.example", "vale-telecom", Role.MANAGER),
    ("member@vale.example", "vale-telecom", Role.MEMBER),
    ("manager@atelier.example", "atelier-reseaux", Role.MANAGER),
    ("manager@northwind.example", "northwind-it", Role.MANAGER),
]

PARTNER_CLIENTS = {"TechPartners": ["andes-fibra", "atelier-reseaux"]}

# Staff must type a code from an authenticator app after the password. The demo's
# staff share this key (add it to an app as a time-based account), or print the
# current code with `manage.py demo_code agent@support.example`.
DEMO_AUTHENTICATOR_KEY = "PORTALDEMOKEYABCDEFGHJK234567XYZ"

LOGINS = [
    ("client member", "member@andes.example"),
    ("client manager", "manager@andes.example"),
    ("partner user", "partner@techpartners.example"),
    ("agent", "agent@support.example"),
    ("supervisor", "supervisor@support.example"),
]


def load(demo):
    """Organisations, partners, people and memberships; fills demo.organisations and demo.users."""
    sync_staff_groups()
    orgs = demo.organisations
    for slug, name, country, tz, language in ORGANISATIONS:
        orgs[slug], _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "country": country,
                "timezone": tz,
                "default_language": language,
                "is_active": True,
            },
        )
    partners = {}
    for partner_name, client_slugs in PARTNER_CLIENTS.items():
        partners[partner_name], _ = Partner.objects.get_or_create(name=partner_name)
        for slug in client_slugs:
            PartnerAssignment.objects.get_or_create(
                partner=partners[partner_name], organisation=orgs[slug]
            )
    users = demo.users
    for email, name, language, tz, group, partner_name in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, PASSWORD, display_name=name)
        user.display_name = name
        user.language = language
        user.timezone = tz
        user.is_staff = group is not None
        user.is_active = True
        user.partner = partners.get(partner_name)
        user.save()
        if group:
            user.groups.set([Group.objects.get(name=group)])
            _authenticator(user)
        users[email] = user
    for email, slug, role in MEMBERSHIPS:
        Membership.objects.update_or_create(
            user=users[email],
            organisation=orgs[slug],
            defaults={"role": role, "is_active": True},
        )
    demo.logins.extend(LOGINS)
    key = " ".join(DEMO_AUTHENTICATOR_KEY[i : i + 4] for i in range(0, 32, 4))
    demo.notes.append(
        f"Staff type a code after the password: add the key {key} to an authenticator "
        "app, or run `.venv/bin/python manage.py demo_code agent@support.example`."
    )
    demo.password = PASSWORD


def _authenticator(user):
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = b32decode(DEMO_AUTHENTICATOR_KEY).hex()
    TOTPDevice.objects.update_or_create(
        user=user, name="authenticator", defaults={"key": key, "confirmed": True}
    )
