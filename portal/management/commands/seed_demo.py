"""Load the Örebro demo: every app's ``demo`` package, in INSTALLED_APPS order.

Idempotent: a second run finds everything in place and writes nothing.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from portal.seeding import Seeder


class Command(BaseCommand):
    help = "Load the Örebro demo data (organisations, strategies, plans, demo users)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--show-users",
            action="store_true",
            help="List the demo users and, in development, their password.",
        )

    def handle(self, *args: object, **options: object) -> None:
        seeder = Seeder()
        with transaction.atomic():
            for config in apps.get_app_configs():
                if module_has_submodule(config.module, "demo"):
                    import_module(f"{config.name}.demo").seed(seeder)
        self.stdout.write(self.style.SUCCESS(f"Demo data: {seeder.summary()}."))
        if options["show_users"]:
            self._show_users(seeder.demo_users)

    def _show_users(self, usernames: list[str]) -> None:
        self.stdout.write("Demo users: " + ", ".join(sorted(usernames)))
        if settings.DEBUG:
            self.stdout.write(f"Demo password: {settings.DEMO_PASSWORD}")
        else:
            self.stdout.write("Demo password: the value of DEMO_PASSWORD.")
