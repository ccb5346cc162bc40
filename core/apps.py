from django.apps import AppConfig


class CoreConfig(AppConfig):
    # Installed for its management commands (`demo`); it has no models.
    name = "core"
    verbose_name = "Core"
