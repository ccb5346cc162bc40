"""What the demo's clients did with the articles, for the staff report: feedback,
searches and visits to the new-ticket form, each at its moment, in the reader's
language, through knowledge.services as the portal's views record them.

Some searches found nothing: typos (with a "did you mean") and things nobody has
written about (a printer, a duplicate bank slip); "telegram" was searched for weeks
before its article, found only articles that mention it and opened none. Visits
to the new-ticket form end solved by an article, deflected, with nothing opened, or
with a ticket anyway: the demo's own tickets (tickets/demo.py), opened a few
minutes after their requester read the suggestions.
"""

from datetime import timedelta

from tickets.demo import CONFIGURATION_BACKUP, NO_INTERNET, SLOW_EVENINGS

from .. import services
from ..models import Article, Deflection, Feedback, SearchLog
from ..search import search

ANDES, VALE, ATELIER, NORTHWIND = "andes-fibra", "vale-telecom", "atelier-reseaux", "northwind-it"
DIEGO, VALENTINA, CAMILA = "member@andes.example", "member2@andes.example", "manager@andes.example"
BEATRIZ, RAFAEL = "manager@vale.example", "member@vale.example"
CLAIRE, OLIVER = "manager@atelier.example", "manager@northwind.example"
LUCIA = "partner@techpartners.example"

# (article, who, for which organisation, helpful, comment, days ago)
FEEDBACK = [
    ("open-ticket", VALENTINA, ANDES, True, "", 30),
    ("password", RAFAEL, VALE, True, "", 25),
    ("router-reset", OLIVER, NORTHWIND, True, "", 21),
    ("no-internet", DIEGO, ANDES, True, "", 20),
    ("roles", LUCIA, ANDES, True, "", 18),
    (
        "speed-test",
        OLIVER,
        NORTHWIND,
        False,
        "Most of our staff would never open a terminal: please add the steps for a Mac "
        "without the command line.",
        17,
    ),
    ("read-invoice", CAMILA, ANDES, True, "", 16),
    ("no-internet", BEATRIZ, VALE, True, "", 15),
    ("sla", CAMILA, ANDES, True, "", 14),
    ("ont-lights", RAFAEL, VALE, True, "", 13),
    ("hours-bank", CAMILA, ANDES, True, "", 12),
    (
        "slow-wifi",
        DIEGO,
        ANDES,
        False,
        "No dice qué hacer cuando el router está en otro piso: tenemos la oficina en dos "
        "pisos y arriba el WiFi casi no llega.",
        11,
    ),
    ("payment-methods", BEATRIZ, VALE, True, "", 10),
    ("no-internet", VALENTINA, ANDES, True, "", 9),
    (
        "hours-bank",
        OLIVER,
        NORTHWIND,
        False,
        "The example helps, but it does not say whether unused hours carry over on our "
        "own contract.",
        9,
    ),
    ("slow-wifi", CLAIRE, ATELIER, True, "", 8),
    (
        "read-invoice",
        RAFAEL,
        VALE,
        False,
        "Não explica a linha “Ajuste de período” que apareceu na nossa última fatura.",
        7,
    ),
    ("no-internet", OLIVER, NORTHWIND, True, "", 6),
    (
        "dns",
        VALENTINA,
        ANDES,
        False,
        "El comando de macOS me pide una contraseña que no tengo. ¿Lo tiene que hacer el "
        "encargado de TI?",
        5,
    ),
    ("ont-lights", VALENTINA, ANDES, True, "", 4),
    (
        "direct-debit",
        CLAIRE,
        ATELIER,
        False,
        "L'article n'existe pas en français, et il ne parle pas du mandat SEPA que notre "
        "banque nous demande.",
        3,
    ),
    ("escalate", CAMILA, ANDES, True, "", 2),
    ("telegram", DIEGO, ANDES, True, "", 1),
    ("telegram", CLAIRE, ATELIER, True, "", 1),
    (
        "telegram",
        BEATRIZ,
        VALE,
        False,
        "O link expirou antes de eu conseguir abrir no celular: 15 minutos é pouco.",
        1,
    ),
]

# (what was typed, organisation, reader's language, days ago, article opened from it)
SEARCHES = [
    ("telegram", ANDES, "es", 24, None),
    ("sin internet", ANDES, "es", 22, "no-internet"),
    ("factura", ANDES, "es", 21, "read-invoice"),
    ("telegram notificaciones", ANDES, "es", 19, None),
    ("wifi lento", ANDES, "es", 18, "slow-wifi"),
    ("printer offline", NORTHWIND, "en", 17, None),
    ("Sin Internet", ANDES, "es", 16, None),
    ("fatcura", ANDES, "es", 15, None),
    ("reset router", NORTHWIND, "en", 14, "router-reset"),
    ("sem internet", VALE, "pt", 14, "no-internet"),
    ("segunda via boleto", VALE, "pt", 13, None),
    ("facture", ATELIER, "fr", 13, "read-invoice"),
    ("luz roja ont", ANDES, "es", 12, "ont-lights"),
    ("roteador reinciar", VALE, "pt", 11, None),
    ("wifi lent", ATELIER, "fr", 11, "slow-wifi"),
    ("telegram", VALE, "pt", 10, None),
    ("impresora no imprime", ANDES, "es", 10, None),
    ("static ip", NORTHWIND, "en", 9, "static-ip"),
    ("bolsa de horas", ANDES, "es", 9, "hours-bank"),
    ("mot de pase", ATELIER, "fr", 8, None),
    ("fatura", VALE, "pt", 8, "read-invoice"),
    ("wifi lento", ANDES, "es", 7, None),
    ("telegarm", NORTHWIND, "en", 7, None),
    ("prélèvement", ATELIER, "fr", 6, "payment-methods"),
    ("sin internet", ANDES, "es", 6, "no-internet"),
    ("senha", VALE, "pt", 5, "password"),
    ("guest wifi", NORTHWIND, "en", 5, "guest-wifi"),
    ("telegram", ANDES, "es", 4, None),
    ("vpn", ANDES, "es", 3, "firewall-port"),
    ("coupure internet", ATELIER, "fr", 3, "no-internet"),
    ("contraseña", ANDES, "es", 2, "password"),
    ("telegram", ANDES, "es", 1, "telegram"),
    ("sin internet", ANDES, "es", 1, None),
]

# (organisation, who, request type, when (days ago, or the ticket they opened after),
#  articles shown, opened, the one that solved it)
VISITS = [
    (
        ANDES,
        VALENTINA,
        "Configuration of my account",
        20,
        ["password", "roles", "invite"],
        ["password"],
        "password",
    ),
    (
        ANDES,
        CAMILA,
        "Billing question",
        15,
        ["read-invoice", "prorated", "invoice-error"],
        ["prorated"],
        "prorated",
    ),
    (
        ATELIER,
        CLAIRE,
        "I have a problem",
        12,
        ["no-internet", "drops"],
        ["drops", "no-internet"],
        None,
    ),
    (
        ANDES,
        DIEGO,
        "I have a problem",
        9,
        ["no-internet", "ont-lights", "router-reset"],
        ["no-internet"],
        "no-internet",
    ),
    (
        VALE,
        RAFAEL,
        "I have a problem",
        8,
        ["no-internet", "ont-lights"],
        ["ont-lights"],
        "ont-lights",
    ),
    (
        ANDES,
        VALENTINA,
        "Slow connection",
        6,
        ["slow-wifi", "speed-test", "dns"],
        ["slow-wifi"],
        None,
    ),
    (NORTHWIND, OLIVER, "Slow connection", 5, ["speed-test", "slow-wifi"], ["speed-test"], None),
    (
        ATELIER,
        CLAIRE,
        "Billing question",
        4,
        ["read-invoice", "invoice-error", "payment-methods"],
        [],
        None,
    ),
    (
        ANDES,
        DIEGO,
        "Slow connection",
        SLOW_EVENINGS,
        ["slow-wifi", "speed-test"],
        ["speed-test"],
        None,
    ),
    (VALE, RAFAEL, "I have a question", CONFIGURATION_BACKUP[VALE][1], ["open-ticket"], [], None),
    (
        NORTHWIND,
        OLIVER,
        "I have a question",
        CONFIGURATION_BACKUP[NORTHWIND][1],
        ["open-ticket"],
        [],
        None,
    ),
    # Minutes ago: still pending, the ticket it led to is the morning's outage.
    (
        ANDES,
        DIEGO,
        "I have a problem",
        NO_INTERNET,
        ["no-internet", "ont-lights"],
        ["ont-lights"],
        None,
    ),
]


def run(demo, articles, now):
    orgs, users = demo.organisations, demo.users
    _feedback(orgs, users, articles, now)
    _searches(orgs, articles, now)
    _visits(orgs, users, articles, now)


# These rows record no event and nothing else reads their clock, so each is dated by
# one UPDATE after its service wrote it, not by core.demo.dated (a pass over every
# stamped column of every model, each time).


def _feedback(orgs, users, articles, now):
    for key, email, slug, helpful, comment, days in FEEDBACK:
        user = users[email]
        given = services.give_feedback(
            article=articles[key],
            user=user,
            organisation=orgs[slug],
            language=user.language,
            helpful=helpful,
            comment=comment,
        )
        when = now - timedelta(days=days, hours=3)
        Feedback.objects.filter(pk=given.pk).update(created_at=when, updated_at=when)


def _searches(orgs, articles, now):
    for text, slug, language, days, clicked in SEARCHES:
        when = now - timedelta(days=days, hours=5)
        organisation = orgs[slug]
        # What the search found then: articles published since were not there yet.
        readable = Article.objects.available_to(organisation, now=when)
        found = search(readable, text, reader=language, limit=0)  # the count is enough
        log = services.log_search(
            organisation=organisation, query=text, language=language, results=found.total
        )
        if clicked and found.total:
            services.log_click(
                search_id=log.pk, organisation=organisation, article=articles[clicked]
            )
        SearchLog.objects.filter(pk=log.pk).update(created_at=when)


def _visits(orgs, users, articles, now):
    from tickets.models import RequestType, Ticket

    planned = []
    for slug, email, type_name, moment, shown, opened, solved in VISITS:
        if isinstance(moment, str):
            ticket = (
                Ticket.objects.filter(organisation=orgs[slug], subject=moment)
                .order_by("created_at")
                .first()
            )
            if ticket is None:
                continue
            start = ticket.created_at - timedelta(minutes=4)
        else:
            start = now - timedelta(days=moment, hours=2)
        planned.append((start, slug, email, type_name, shown, opened, solved))
    for start, slug, email, type_name, shown, opened, solved in sorted(planned):
        request_type = RequestType.objects.filter(name=type_name).first()
        visit = services.start_deflection(
            organisation=orgs[slug], user=users[email], request_type=request_type
        )
        services.deflection_shown(
            visit, [articles[key].pk for key in shown], request_type=request_type
        )
        for key in opened:
            services.deflection_opened(visit, articles[key])
        stamps = {"started_at": start}
        if solved:
            services.deflection_solved(visit, articles[solved])
            stamps["settled_at"] = start + timedelta(minutes=len(opened) + 3)
        Deflection.objects.filter(pk=visit.pk).update(**stamps)
        # The beat job decides the rest once the half hour is over.
        over = start + services.DEFLECTION_WINDOW + timedelta(minutes=1)
        if over <= now:
            services.settle_deflections(now=over)
