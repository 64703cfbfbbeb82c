"""`manage.py check_migration_safety`: refuses migrations that would lock or break a table with
rows while Bridge serves (the rules are in `common.migration_safety`). `scripts/test` runs it."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from common.migration_safety import is_released, statement_findings


class Command(BaseCommand):
    help = "Refuse migrations that would lock or break a table with rows on a live database."

    def handle(self, *args: Any, **options: Any) -> None:
        project_root = Path(settings.BASE_DIR).resolve()
        # Bridge's own apps are the packages at the top of the project; the virtualenv's are not.
        project_apps = {
            config.label
            for config in apps.get_app_configs()
            if Path(config.path).resolve().parent == project_root
        }
        loader = MigrationExecutor(connection).loader
        checked = 0
        refused: list[str] = []
        for (app_label, name), migration in sorted(loader.disk_migrations.items()):
            if app_label not in project_apps or is_released(app_label, name):
                continue
            checked += 1
            # collect_sql is what `sqlmigrate` prints; django-stubs does not declare it.
            statements = loader.collect_sql([(migration, False)])  # type: ignore[attr-defined]
            findings = statement_findings(statements, atomic=migration.atomic)
            if not findings:
                continue
            reviewed = getattr(migration, "migration_safety_reviewed", "")
            if reviewed:
                self.stdout.write(f"{app_label}.{name}: reviewed as safe: {reviewed}")
                continue
            for finding in findings:
                refused.append(f"{app_label}.{name} {finding.problem}:\n    {finding.statement}")
        if refused:
            raise CommandError(
                "Migrations that would lock or break a live table:\n"
                + "\n".join(refused)
                + "\nRewrite them (docs/operations.md, 'Upgrading without downtime'), or, if the "
                "table stays small, give the Migration class a migration_safety_reviewed reason."
            )
        self.stdout.write(f"{checked} migration(s) after the released ones: safe on a live database.")
