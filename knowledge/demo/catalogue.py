"""The demo's categories: (key, names and descriptions in en, es, pt, fr, icon, subcategories)."""

from ..models import Icon

CATEGORIES = [
    (
        "connectivity",
        ("Connectivity", "Conectividad", "Conectividade", "Connectivité"),
        (
            "Outages, Wi-Fi, your router and fibre equipment.",
            "Cortes, WiFi, su router y el equipo de fibra.",
            "Quedas, Wi-Fi, seu roteador e o equipamento de fibra.",
            "Coupures, Wi-Fi, votre routeur et l'équipement fibre.",
        ),
        Icon.WIFI,
        [
            (
                "outages",
                (
                    "No internet and outages",
                    "Sin internet y cortes",
                    "Sem internet e quedas",
                    "Pas d'internet et coupures",
                ),
            ),
            ("wifi", ("Wi-Fi", "WiFi", "Wi-Fi", "Wi-Fi")),
            (
                "equipment",
                (
                    "Router and fibre ONT",
                    "Router y ONT de fibra",
                    "Roteador e ONT de fibra",
                    "Routeur et ONT fibre",
                ),
            ),
            (
                "addresses",
                (
                    "IP addresses and DNS",
                    "Direcciones IP y DNS",
                    "Endereços IP e DNS",
                    "Adresses IP et DNS",
                ),
            ),
        ],
    ),
    (
        "billing",
        ("Billing", "Facturación", "Faturamento", "Facturation"),
        (
            "Invoices, payments and the hours bank.",
            "Facturas, pagos y la bolsa de horas.",
            "Faturas, pagamentos e o banco de horas.",
            "Factures, paiements et banque d'heures.",
        ),
        Icon.RECEIPT,
        [
            ("invoices", ("Invoices", "Facturas", "Faturas", "Factures")),
            ("payments", ("Payments", "Pagos", "Pagamentos", "Paiements")),
            ("hours", ("Hours bank", "Bolsa de horas", "Banco de horas", "Banque d'heures")),
        ],
    ),
    (
        "account",
        ("Your account", "Su cuenta", "Sua conta", "Votre compte"),
        (
            "Signing in, your profile and your team.",
            "Acceso, su perfil y su equipo.",
            "Acesso, seu perfil e sua equipe.",
            "Connexion, votre profil et votre équipe.",
        ),
        Icon.USER,
        [
            (
                "access",
                (
                    "Sign-in and password",
                    "Acceso y contraseña",
                    "Acesso e senha",
                    "Connexion et mot de passe",
                ),
            ),
            (
                "people",
                ("People and roles", "Personas y roles", "Pessoas e papéis", "Personnes et rôles"),
            ),
        ],
    ),
    (
        "notifications",
        (
            "Notifications and Telegram",
            "Notificaciones y Telegram",
            "Notificações e Telegram",
            "Notifications et Telegram",
        ),
        (
            "What you hear about, and where: the portal, e-mail, Telegram.",
            "De qué se entera y dónde: el portal, el correo, Telegram.",
            "Do que você fica sabendo e onde: o portal, o e-mail, o Telegram.",
            "Ce dont vous êtes averti, et où : le portail, l'e-mail, Telegram.",
        ),
        Icon.CHAT,
        [],
    ),
    (
        "portal",
        ("Using the portal", "Usar el portal", "Usando o portal", "Utiliser le portail"),
        (
            "Tickets, deadlines, wishes and contracts.",
            "Tickets, plazos, mejoras y contratos.",
            "Chamados, prazos, melhorias e contratos.",
            "Tickets, échéances, souhaits et contrats.",
        ),
        Icon.PORTAL,
        [
            ("tickets", ("Tickets", "Tickets", "Chamados", "Tickets")),
            ("sla", ("Deadlines (SLA)", "Plazos (SLA)", "Prazos (SLA)", "Échéances (SLA)")),
            (
                "wishes",
                (
                    "Wishes and contracts",
                    "Mejoras y contratos",
                    "Melhorias e contratos",
                    "Souhaits et contrats",
                ),
            ),
        ],
    ),
    (
        "security",
        ("Managed security", "Seguridad gestionada", "Segurança gerenciada", "Sécurité gérée"),
        (
            "Your managed firewall and remote access.",
            "Su firewall gestionado y el acceso remoto.",
            "Seu firewall gerenciado e o acesso remoto.",
            "Votre pare-feu géré et l'accès à distance.",
        ),
        Icon.SHIELD,
        [],
    ),
]
