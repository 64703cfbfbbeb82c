"""Primary keys for the tables written a hundred thousand rows at a time (reminders, inbox,
outbox, timeline): UUIDs whose first bits are the time (RFC 9562 version 7), so each insert lands
at the right edge of the primary key's index instead of on a random page of it. With random
(version 4) ids, 100,000 timeline inserts into 2.8 million rows took 3 to 5 s, against 1.5 s
(docs/performance.md). They reveal when a row was written, which every such row shows anyway.
`uuid_utils` makes them in Rust, in well under a microsecond: the sweep makes half a million."""

import uuid

import uuid_utils

_new = object.__new__
_set = object.__setattr__
_SAFETY_UNKNOWN = uuid.SafeUUID.unknown


def time_ordered_id() -> uuid.UUID:
    # What `uuid_utils.compat.uuid7` does, without its attribute lookups: half the time, 0.4 us.
    # `uuid.UUID` is immutable through `__setattr__`; its constructor would validate the integer.
    made = _new(uuid.UUID)
    _set(made, "int", uuid_utils.uuid7().int)
    _set(made, "is_safe", _SAFETY_UNKNOWN)
    return made
