from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.demo import (
    DEMO_AGENCIES,
    DEMO_LANGUAGES,
    DEMO_PEOPLE,
    PLATFORM_ADMIN_USERNAME,
    demo_load,
    demo_username,
)


class Command(BaseCommand):
    help = "Load the demo county (agencies, users for every role, a dozen cases). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        password = getattr(settings, "BRIDGE_DEMO_PASSWORD", None)
        if not password:
            raise CommandError(
                "Demo data loads only under settings that define BRIDGE_DEMO_PASSWORD (local, test)."
            )
        loaded = demo_load(password=password)
        self.stdout.write("Demo data loaded." if loaded else "Demo data was already loaded.")
        self.stdout.write(f"\nDemo logins (password for all: {password})")
        self.stdout.write(f"  {PLATFORM_ADMIN_USERNAME:<22} platform administrator (no case content)")
        for key, (name, _kind, _jurisdiction) in DEMO_AGENCIES.items():
            roles = ", ".join(demo_username(key, role) for role in DEMO_PEOPLE)
            language = " (they read Bridge in Spanish)" if DEMO_LANGUAGES.get(key) == "es" else ""
            self.stdout.write(f"  {name}: {roles}{language}")
