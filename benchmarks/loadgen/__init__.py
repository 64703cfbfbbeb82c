"""Synthetic statewide data for benchmarks: agencies, people, cases and everything on them.
Run it with `python -m benchmarks.loadgen --help` (scripts/bench does); `generator.generate` is
the same from Python, as the tests call it.

The rows are the ones the services would have written had every case been opened, shared,
worked and handed off through them (participants with guardian's `view_case` rows for agency
groups, `work_on_case` rows for the case team, default grants from
`casework.sections.default_sections_for`, consents and the grants resting on them, section rows,
case numbers, tasks, notes, handoffs, notifications, reminders and the timeline entries of every
one of those actions), but they are streamed with PostgreSQL's COPY so that a state's worth loads
in minutes instead of the hours a million service calls would take. Every name is invented.

Two deliberate departures from a deployment that has run for years, both documented in
docs/performance.md: no case events are generated, and open tasks that are already overdue have
never been reminded (as on the day a county migrates its backlog into Bridge), so the first
reminder sweep has twice as many reminders due as there are overdue tasks. Tasks due in the next
72 hours and pending or expired handoffs carry the reminder history the sweep would have left.
"""
