"""Whether a migration can run against a live database while Bridge keeps serving.

An upgrade applies migrations while the old code still answers requests (docs/operations.md,
"Upgrading without downtime"). A statement that holds a lock on a table that already has rows
for as long as it reads or rewrites every row stops every request that touches the table, on a
county's data for minutes. The rules below read the SQL `sqlmigrate` would run and name those
statements; statements on a table the same migration creates are always safe, because nobody
else can be waiting on it yet.

A migration whose risky statement is known to be harmless (a table that stays small by nature,
such as the agencies) says so with a `migration_safety_reviewed` attribute on its `Migration`
class, giving the reason; the check then lets it pass and prints the reason.
"""

import re
from dataclasses import dataclass

# The migrations that shipped before this check existed, by app: the latest one of each that was
# already applied to deployed databases. Everything after these is checked.
RELEASED_BEFORE_CHECK: dict[str, str] = {
    "agencies": "0006_prosecution_kind",
    "audit": "0012_court_prosecution_kind",
    "casework": "0024_plans_case_plan_review",
    "court": "0001_initial",
    "exploitation": "0002_profile_history",
    "links": "0002_link_history",
    "notifications": "0004_handoff_approval_reminders",
    "plans": "0001_initial",
    "referrals": "0002_service_types",
    "relief": "0002_move_free_text_statuses",
    "screening": "0002_sample_instrument",
    "security": "0001_login_guard",
}

_NAME = r'"?([\w.]+)"?'
_CREATE_TABLE = re.compile(rf"^CREATE TABLE {_NAME}", re.IGNORECASE)
_ALTER_TABLE = re.compile(rf"^ALTER TABLE (?:ONLY )?{_NAME}\s+(.*)$", re.IGNORECASE | re.DOTALL)
_CREATE_INDEX = re.compile(
    rf"^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?{_NAME} ON (?:ONLY )?{_NAME}",
    re.IGNORECASE,
)
_SAFE_NEW_TYPES = re.compile(r"TYPE (varchar\(\d+\)|text|character varying\(\d+\))(\s|$|;|,)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    statement: str
    problem: str


def _alter_table_problem(action: str) -> str | None:
    # Quoted values (a CHECK's list of allowed words) are data, not what the statement does.
    upper = re.sub(r"'(?:[^']|'')*'", "''", action).upper()
    if "ADD COLUMN" in upper and " NOT NULL" in upper and " DEFAULT " not in upper:
        return (
            "adds a NOT NULL column without a default, which fails on a table with rows "
            "(give it a default or add it nullable and fill it in batches)"
        )
    if "SET NOT NULL" in upper:
        return (
            "sets NOT NULL, which reads every row under an exclusive lock "
            "(add a CHECK ... NOT VALID, validate it, then set NOT NULL)"
        )
    if re.search(r"ALTER COLUMN .* TYPE ", upper) and not _SAFE_NEW_TYPES.search(action):
        return "changes a column's type, which rewrites the table under an exclusive lock"
    if (
        "ADD CONSTRAINT" in upper
        and ("CHECK" in upper or "FOREIGN KEY" in upper)
        and "NOT VALID" not in upper
    ):
        return (
            "adds a constraint that reads every row under a lock "
            "(add it NOT VALID, then VALIDATE CONSTRAINT in a later step)"
        )
    if "ADD CONSTRAINT" in upper and "UNIQUE" in upper:
        return (
            "adds a unique constraint, which builds its index under a lock "
            "(build the index CONCURRENTLY first, then add the constraint USING INDEX)"
        )
    if "RENAME" in upper:
        return "renames a table or column the running code still uses (add the new one, move, then drop)"
    if "DROP COLUMN" in upper:
        return (
            "drops a column the running code may still read "
            "(stop using it in one release, drop it in the next)"
        )
    return None


def statement_findings(statements: list[str], *, atomic: bool) -> list[Finding]:
    """The statements of one migration (in order) that would lock or break a table with rows.
    `atomic`: whether the migration runs in one transaction, in which every lock a statement
    takes lasts until the last statement is done."""
    created: set[str] = set()
    findings: list[Finding] = []
    for raw in statements:
        statement = raw.strip()
        if not statement or statement.startswith("--"):
            continue
        if atomic and "VALIDATE CONSTRAINT" in statement.upper():
            findings.append(
                Finding(
                    statement,
                    "validates a constraint in the transaction that added it, so the lock taken to "
                    "add it lasts through the validation (set atomic = False on the migration)",
                )
            )
            continue
        if match := _CREATE_TABLE.match(statement):
            created.add(match.group(1))
            continue
        if match := _CREATE_INDEX.match(statement):
            concurrently, _index, table = match.groups()
            if table not in created and not concurrently:
                findings.append(
                    Finding(
                        statement,
                        "builds an index without CONCURRENTLY, which blocks writes to the table "
                        "until it is built (use AddIndexConcurrently in a non-atomic migration)",
                    )
                )
            continue
        if match := _ALTER_TABLE.match(statement):
            table, action = match.groups()
            if table in created:
                continue
            problem = _alter_table_problem(action)
            if problem is not None:
                findings.append(Finding(statement, problem))
            continue
        if re.match(r"^DROP TABLE", statement, re.IGNORECASE):
            findings.append(
                Finding(statement, "drops a table the running code may still read (drop it a release later)")
            )
    return findings


def is_released(app_label: str, migration_name: str) -> bool:
    last_released = RELEASED_BEFORE_CHECK.get(app_label)
    return last_released is not None and migration_name <= last_released
