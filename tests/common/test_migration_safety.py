"""`manage.py check_migration_safety` and its rules: a migration that would lock or break a table
with rows while Bridge serves is refused; the safe way to make the same change passes. The SQL
checked is what Django really emits for each operation against the project's own tables."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from common import migration_safety
from common.migration_operations import AddCheckConstraintNotValid
from common.migration_safety import statement_findings

pytestmark = pytest.mark.django_db


PRIORITY_CHECK = models.CheckConstraint(
    condition=models.Q(priority__in=["low", "normal"]), name="probe_priority"
)


def findings_of(*operations, atomic=True):
    migration = migrations.Migration("9999_probe", "casework")
    migration.operations = list(operations)
    migration.atomic = atomic
    state = MigrationLoader(connection).project_state()
    with connection.schema_editor(collect_sql=True, atomic=atomic) as editor:
        migration.apply(state, editor, collect_sql=True)
    return [finding.problem for finding in statement_findings(editor.collected_sql, atomic=atomic)]


def test_an_index_built_without_concurrently_on_a_table_with_rows_is_refused():
    problems = findings_of(migrations.AddIndex("task", models.Index(fields=["title"], name="probe_title")))
    assert len(problems) == 1
    assert "without CONCURRENTLY" in problems[0]


def test_an_index_built_concurrently_passes():
    # AddIndexConcurrently refuses to run inside the test's transaction, so its SQL is built the
    # way the operation builds it.
    task = MigrationLoader(connection).project_state().apps.get_model("casework", "task")
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        statement = str(
            models.Index(fields=["title"], name="probe_title").create_sql(task, editor, concurrently=True)
        )
    assert "CONCURRENTLY" in statement
    assert statement_findings([statement], atomic=False) == []


def test_a_new_tables_own_indexes_and_constraints_pass():
    create = migrations.CreateModel(
        "Probe",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("size", models.IntegerField()),
            ("case", models.ForeignKey("casework.case", on_delete=models.CASCADE)),
        ],
        options={
            "indexes": [models.Index(fields=["size"], name="probe_size")],
            "constraints": [
                models.CheckConstraint(condition=models.Q(size__gte=0), name="probe_size_positive")
            ],
        },
    )
    assert findings_of(create) == []


def test_a_not_null_column_with_a_default_passes():
    assert findings_of(migrations.AddField("task", "probe", models.IntegerField(default=0))) == []


def test_making_a_column_not_null_is_refused():
    operation = migrations.AlterField(
        "task", "description", models.TextField(max_length=5000, blank=False, null=False, default="")
    )
    nullable = migrations.AlterField("task", "description", models.TextField(null=True))
    problems = findings_of(nullable, operation)
    assert any("sets NOT NULL" in problem for problem in problems)


def test_a_check_constraint_added_in_one_step_is_refused():
    constraint = models.CheckConstraint(
        condition=models.Q(priority__in=["low", "normal"]), name="probe_priority"
    )
    problems = findings_of(migrations.AddConstraint("task", constraint))
    assert len(problems) == 1
    assert "NOT VALID" in problems[0]


def test_a_check_constraint_added_not_valid_then_validated_outside_a_transaction_passes():
    constraint = models.CheckConstraint(
        condition=models.Q(priority__in=["low", "normal"]), name="probe_priority"
    )
    assert findings_of(AddCheckConstraintNotValid("task", constraint), atomic=False) == []


def test_a_check_constraint_not_valid_inside_a_transaction_refuses_to_run():
    constraint = models.CheckConstraint(
        condition=models.Q(priority__in=["low", "normal"]), name="probe_priority"
    )
    with pytest.raises(ValueError, match="atomic = False"):
        findings_of(AddCheckConstraintNotValid("task", constraint))


def test_validating_in_the_transaction_that_added_the_constraint_is_refused():
    statements = [
        'ALTER TABLE "casework_task" ADD CONSTRAINT "probe" CHECK ("priority" IN (\'low\')) NOT VALID',
        'ALTER TABLE "casework_task" VALIDATE CONSTRAINT "probe"',
    ]
    problems = [finding.problem for finding in statement_findings(statements, atomic=True)]
    assert len(problems) == 1
    assert "atomic = False" in problems[0]


def test_a_unique_constraint_on_a_table_with_rows_is_refused():
    constraint = models.UniqueConstraint(fields=["case", "title"], name="probe_unique_title")
    problems = findings_of(migrations.AddConstraint("task", constraint))
    assert any("unique" in problem for problem in problems)


def test_renaming_a_column_the_running_code_uses_is_refused():
    problems = findings_of(migrations.RenameField("task", "title", "heading"))
    assert any("renames" in problem for problem in problems)


def test_dropping_a_column_is_refused():
    problems = findings_of(migrations.RemoveField("task", "description"))
    assert any("drops a column" in problem for problem in problems)


def test_words_inside_a_checks_allowed_values_are_not_mistaken_for_statements():
    statement = (
        'ALTER TABLE "casework_task" ADD CONSTRAINT "probe" '
        "CHECK (\"kind\" IN ('rename', 'drop column', 'unique')) NOT VALID"
    )
    assert statement_findings([statement], atomic=False) == []


# The command collects the SQL of non-atomic migrations (AddIndexConcurrently), which Django
# refuses to do inside a transaction: these two run outside the test's own.
@pytest.mark.django_db(transaction=True)
def test_the_projects_migrations_after_the_released_ones_pass(capsys):
    call_command("check_migration_safety")
    assert "safe on a live database" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_command_refuses_an_unsafe_migration_it_has_not_seen_released(monkeypatch):
    # agencies.0006 re-adds the agency kind's CHECK constraint in one step, as Django writes it.
    released = dict(migration_safety.RELEASED_BEFORE_CHECK, agencies="0005")
    monkeypatch.setattr(migration_safety, "RELEASED_BEFORE_CHECK", released)
    with pytest.raises(CommandError, match=r"agencies\.0006_prosecution_kind adds a constraint"):
        call_command("check_migration_safety")
