"""Primary keys for the tables written a hundred thousand rows at a time (reminders, inbox,
outbox, timeline): UUIDs whose first bits are the time (RFC 9562 version 7), so each insert lands
at the right edge of the primary key's index instead of on a random page of it. With random
(version 4) ids, 100,000 timeline inserts into 2.8 million rows took 3 to 5 s, against 1.5 s
(docs/performance.md). They reveal when a row was written, which every such row shows anyway.
`uuid_utils` makes them in Rust, in well under a microsecond: the sweep makes half a million."""

import uuid

from uuid_utils.compat import uuid7


def time_ordered_id() -> uuid.UUID:
    return uuid7()
