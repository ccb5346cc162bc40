from django.db import migrations

CATEGORIES = [
    ("general", "General", "General", "Geral", "Général"),
    ("billing", "Billing", "Facturación", "Faturamento", "Facturation"),
    ("organisation-service", "Organisation/Service", "Organización/Servicio", "Organização/Serviço", "Organisation/Service"),
    ("connectivity", "Connectivity", "Conectividad", "Conectividade", "Connectivité"),
    ("slow-speed", "Slow speed", "Velocidad lenta", "Velocidade lenta", "Débit lent"),
    ("wifi", "WiFi", "WiFi", "Wi-Fi", "Wi-Fi"),
    ("account", "Account", "Cuenta", "Conta", "Compte"),
    ("technical", "Technical", "Técnico", "Técnico", "Technique"),
    ("feature-request", "Feature request", "Solicitud de funcionalidad", "Pedido de funcionalidade", "Demande de fonctionnalité"),
    ("other", "Other", "Otro", "Outro", "Autre"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    for order, (slug, en, es, pt, fr) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            slug=slug,
            defaults={"name": en, "name_es": es, "name_pt": pt, "name_fr": fr, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
