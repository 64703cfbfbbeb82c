"""Only the case policy (`casework.access`) reads the stores that decide access: guardian's
permission tables, section grants and break-glass openings. Everything else asks the policy, so
a rule cannot be copied into a view or a report and drift from it (issue 14)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
# Every Django app of the project, and the settings.
APP_DIRS = [*sorted(path.parent.name for path in ROOT.glob("*/apps.py")), "config"]

PROTECTED_MODELS = ("SectionGrant", "BreakGlass", "CaseUserObjectPermission", "CaseGroupObjectPermission")
# guardian's writers: the services that change participation keep its rows in step.
GUARDIAN_WRITERS = frozenset({"assign_perm", "remove_perm"})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})

# Who may touch the stores besides the policy, and why.
ALLOWED = {
    # where the stores are defined
    "casework/models.py",
    # the services that keep the stores: they lock, create and end grants, openings and
    # participation rows, after the policy has said yes
    "casework/services/sharing.py",
    "casework/services/breakglass.py",
    "casework/services/cases.py",
    # trigger-based change history of the stores (pghistory), written by the database
    "audit/models.py",
}


def _modules() -> list[Path]:
    found = []
    for app in APP_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith("casework/access/") or relative in ALLOWED:
                continue
            found.append(path)
    return found


def _protected_tables() -> set[str]:
    return {apps.get_model("casework", name)._meta.db_table for name in PROTECTED_MODELS}


def _violations(path: Path, tables: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    imported: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module in ("guardian.models", "guardian.core", "guardian.utils"):
                found.append(f"line {node.lineno}: imports {node.module}")
            if node.module == "guardian.shortcuts" and names - GUARDIAN_WRITERS:
                found.append(
                    f"line {node.lineno}: reads guardian ({', '.join(sorted(names - GUARDIAN_WRITERS))})"
                )
            if node.module == "casework.models":
                imported |= names & set(PROTECTED_MODELS)
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
        ):
            found.append(f"line {node.lineno}: queries {node.value.id}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            named = {table for table in tables if table in node.value}
            if named:
                found.append(f"line {node.lineno}: SQL naming {', '.join(sorted(named))}")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_only_the_policy_reads_the_access_stores(path):
    assert _violations(path, _protected_tables()) == []


def test_the_check_finds_a_module_that_reads_grants(tmp_path):
    module = tmp_path / "report.py"
    module.write_text(
        "from casework.models import SectionGrant\n"
        "from guardian.shortcuts import get_objects_for_user\n"
        "def who(case):\n"
        "    return SectionGrant.objects.filter(case=case)\n"
        "RAW = 'SELECT 1 FROM casework_casegroupobjectpermission'\n"
    )
    assert len(_violations(module, _protected_tables())) == 3


def test_every_allowed_module_exists():
    assert all((ROOT / relative).exists() for relative in ALLOWED)
