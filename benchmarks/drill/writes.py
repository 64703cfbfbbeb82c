"""The write load of the failure and restore drills (`scripts/drill`): notes added to the demo's
cases through the real service, as caseworkers do, with the audit log sealed as beat does. Each
committed write is appended to a log as `<number> <note id> <commit time>` only after it committed, so the
log is the truth of what the source database acknowledged.

    python -m benchmarks.drill.writes --log writes.log [--count N] [--until-file STOP]
"""

import argparse
import time
from pathlib import Path

from benchmarks.common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--count", type=int, default=0, help="stop after this many writes (0: never)")
    parser.add_argument("--until-file", type=Path, help="stop once this file exists")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between writes")
    parser.add_argument("--start", type=int, default=0, help="the first write's number")
    options = parser.parse_args()

    setup_django()
    from django.utils import timezone

    from agencies.models import Role, User
    from audit.services import audit_seal_pending
    from casework.access import cases_worked_on_by
    from casework.models import CaseStatus
    from casework.sections import Section
    from casework.services.notes import note_add

    writers = [
        (user, list(cases_worked_on_by(user=user).filter(status=CaseStatus.OPEN).order_by("number")[:20]))
        # A few writers are load enough, and finding their cases stays quick at any size.
        for user in User.objects.filter(role=Role.CASEWORKER, is_active=True).order_by("username")[:10]
    ]
    writers = [(user, cases) for user, cases in writers if cases]
    if not writers:
        raise SystemExit("No caseworker works on a case: load the demo first (manage.py load_demo).")
    written = 0
    with options.log.open("a", buffering=1) as log:
        while not options.count or written < options.count:
            number = options.start + written
            if options.until_file is not None and options.until_file.exists():
                break
            user, cases = writers[written % len(writers)]
            case = cases[written % len(cases)]
            note = note_add(actor=user, case=case, section=Section.CORE, body=f"Drill write {number}.")
            log.write(f"{number} {note.pk} {timezone.now().isoformat()}\n")
            written += 1
            if written % 20 == 0:
                audit_seal_pending()
            time.sleep(options.pause)
    audit_seal_pending()


if __name__ == "__main__":
    main()
