"""Tags, links between tickets and saved queue views; the four shared views every agent sees.

The shared views are data (supervisors rename or delete them in the admin); each
keeps its `key` so the demo and the "My open" fallback find it.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# Kept here rather than imported: a migration must not change when the code does.
SHARED_VIEWS = [
    {
        "key": "my-open",
        "position": 0,
        "names": ("My open", "Mis abiertos", "Meus abertos", "Mes tickets ouverts"),
        "filters": {"assignee": "me"},
        "sort": "priority",
    },
    {
        "key": "unassigned-critical",
        "position": 1,
        "names": (
            "Unassigned critical",
            "Críticos sin asignar",
            "Críticos sem responsável",
            "Critiques non attribués",
        ),
        "filters": {"assignee": "nobody", "priorities": ["critical"]},
        "sort": "recent",
    },
    {
        "key": "breaching-today",
        "position": 2,
        "names": (
            "Breaching today",
            "Vencen hoy",
            "Vencem hoje",
            "Échéance SLA aujourd’hui",  # noqa: RUF001 (the French apostrophe)
        ),
        "filters": {"sla": "today"},
        "sort": "sla",
    },
    {
        "key": "waiting-client-3-days",
        "position": 3,
        "names": (
            "Waiting on client > 3 days",
            "Esperando al cliente > 3 días",
            "Aguardando o cliente > 3 dias",
            "En attente du client > 3 jours",
        ),
        "filters": {"statuses": ["waiting_on_client"], "waiting_days": 3},
        "sort": "oldest",
    },
]


def add_shared_views(apps, schema_editor):
    SavedView = apps.get_model("tickets", "SavedView")
    for view in SHARED_VIEWS:
        en, es, pt, fr = view["names"]
        SavedView.objects.get_or_create(
            key=view["key"],
            defaults={
                "name": en,
                "name_es": es,
                "name_pt": pt,
                "name_fr": fr,
                "owner": None,
                "filters": view["filters"],
                "sort": view["sort"],
                "position": view["position"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_legacy_system_texts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedView",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("name_es", models.CharField(blank=True, max_length=80, verbose_name="name (es)")),
                ("name_pt", models.CharField(blank=True, max_length=80, verbose_name="name (pt)")),
                ("name_fr", models.CharField(blank=True, max_length=80, verbose_name="name (fr)")),
                ("filters", models.JSONField(blank=True, default=dict, verbose_name="filters")),
                ("sort", models.CharField(blank=True, max_length=20, verbose_name="sort")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("key", models.SlugField(blank=True, max_length=40)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: a shared view every agent sees.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_views",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
            ],
            options={
                "verbose_name": "saved view",
                "verbose_name_plural": "saved views",
                "permissions": [("manage_shared_views", "Can manage the shared queue views")],
                "ordering": ["position", "name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="QueueDefault",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="queue_default",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "view",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tickets.savedview",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        allow_unicode=True, max_length=60, unique=True, verbose_name="slug"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "tickets",
                    models.ManyToManyField(blank=True, related_name="tags", to="tickets.ticket"),
                ),
            ],
            options={
                "verbose_name": "tag",
                "verbose_name_plural": "tags",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="TicketLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("relates", "relates to"),
                            ("duplicate", "duplicate of"),
                            ("blocks", "blocks"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "from_ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links_out",
                        to="tickets.ticket",
                    ),
                ),
                (
                    "to_ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links_in",
                        to="tickets.ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "ticket link",
                "verbose_name_plural": "ticket links",
            },
        ),
        migrations.AddConstraint(
            model_name="savedview",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("key",),
                name="saved_view_key_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"), name="tag_name_ci_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="ticketlink",
            index=models.Index(fields=["to_ticket"], name="ticket_link_to"),
        ),
        migrations.AddConstraint(
            model_name="ticketlink",
            constraint=models.UniqueConstraint(
                fields=("from_ticket", "to_ticket"), name="ticket_link_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="ticketlink",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_ticket", models.F("to_ticket")), _negated=True),
                name="ticket_link_not_self",
            ),
        ),
        migrations.RunPython(add_shared_views, migrations.RunPython.noop),
    ]
