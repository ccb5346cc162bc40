"""Load (or refresh) the demo: every installed app's demo step, in dependency order.

Each app declares its step in its plugin.py (core.plugins.DemoStep); accounts'
step makes the organisations and people the others build on. Idempotent:
running it again updates the same rows and adds nothing twice, so `make run`
can load it every time.
"""

from types import SimpleNamespace

from django.core.management.base import BaseCommand
from django.db import transaction

from core import plugins


class Command(BaseCommand):
    help = "Load (or refresh) the demo organisations, people and history."

    @transaction.atomic
    def handle(self, *args, **options):
        demo = SimpleNamespace(
            organisations={}, users={}, logins=[], notes=[], password="", first_load=False
        )
        for step in plugins.demo_steps():
            step.run(demo)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Logins (password {demo.password}):"))
        for label, email in demo.logins:
            self.stdout.write(f"  {label:<15} {email}")
        for line in getattr(demo, "notes", []):
            self.stdout.write(line)
