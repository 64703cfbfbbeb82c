"""Reading what the outbox published to the broker, as a worker would."""

import base64
import json


def delivery_ids(raw: bytes) -> list[str]:
    """The outbox rows a raw broker message (Redis's list entry) asks a worker to send: its task
    arguments, from the base64-encoded body of Celery's message protocol 2 (`[args, kwargs, embed]`)."""
    message = json.loads(raw)
    assert message["properties"]["body_encoding"] == "base64"
    args, _, _ = json.loads(base64.b64decode(message["body"]))
    return list(args)
