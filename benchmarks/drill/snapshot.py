"""What a restore drill compares between the source database and a restored one: row counts of
the tables that hold cases and the audit log, the head of the audit hash chain, the drill writes
present, and the database's clock. Prints JSON.

    python -m benchmarks.drill.snapshot
"""

import json

from benchmarks.common import setup_django

TABLES = (
    "casework_case",
    "casework_note",
    "casework_task",
    "casework_handoff",
    "casework_sectiongrant",
    "notifications_notification",
    "audit_auditrecord",
    "audit_auditseal",
)


def main() -> None:
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (now,) = cursor.fetchone()
        counts = {}
        for table in TABLES:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT position, hash FROM audit_auditseal ORDER BY position DESC LIMIT 1")
        head = cursor.fetchone()
        cursor.execute(
            "SELECT max(substring(body from 'Drill write ([0-9]+)')::int) FROM casework_note "
            "WHERE body LIKE 'Drill write %'"
        )
        (last_drill_write,) = cursor.fetchone()
    print(
        json.dumps(
            {
                "time": now.isoformat(),
                "counts": counts,
                "audit_head": {"position": head[0], "hash": head[1]} if head else None,
                "last_drill_write": last_drill_write,
            }
        )
    )


if __name__ == "__main__":
    main()
