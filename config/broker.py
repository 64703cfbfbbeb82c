"""Celery's Redis broker transport (kombu's), made to outlive two broker failures that made the
worker exit with "Unrecoverable error" (docs/operations.md, "Failure drills"):

- Redis full (`maxmemory`, noeviction): Redis refuses every command queued inside MULTI, so
  recording a message just received as unacknowledged (ZADD + HSET) and the acknowledgement of a
  finished task (ZREM + HDEL) fail with OutOfMemoryError. Celery only tolerates connection errors
  there, and the error ends the worker's event loop.
- Redis restarted: when the consumer drops the lost connection, kombu detaches the transport from
  it (`collect()`), then closes the same channel again; restoring its unacknowledged messages, or
  acknowledging a task that finishes afterwards, needs a connection pool built from the detached
  connection's address and fails with AttributeError.

In both cases the message is still in Redis's unacked set (or, after a restart without the
append-only file, gone with the queue), so it is enough to let it be: Redis's own visibility
timeout brings it back, and every Bridge task is safe to run twice (the outbox relay republishes
whatever email is still pending). Nothing is restored or acknowledged twice here."""

import logging
from typing import Any

from kombu.transport import redis as kombu_redis
from kombu.transport import virtual
from redis.exceptions import OutOfMemoryError

logger = logging.getLogger(__name__)


class QoS(kombu_redis.QoS):
    def _connection_detached(self) -> bool:
        transport = self.channel.connection
        return transport is None or transport.client is None

    def _forget(self, delivery_tag: str) -> None:
        """Stop counting the message against the prefetch limit without touching Redis."""
        virtual.QoS.ack(self, delivery_tag)

    def append(self, message: Any, delivery_tag: str) -> None:
        try:
            super().append(message, delivery_tag)
        except OutOfMemoryError:
            # BRPOP already took the message off the queue; only this worker holds it now. It
            # runs: if the worker dies first, the outbox relay republishes its emails and the
            # next sweep plans its reminders again.
            logger.warning(
                "Redis is full and refused to record message %s as unacknowledged; it runs without "
                "a copy in Redis",
                delivery_tag,
            )
            virtual.QoS.append(self, message, delivery_tag)

    def ack(self, delivery_tag: str) -> None:
        if self._connection_detached():
            logger.warning(
                "Broker connection closed before message %s was acknowledged; Redis redelivers it "
                "after the visibility timeout",
                delivery_tag,
            )
            self._forget(delivery_tag)
            return
        try:
            super().ack(delivery_tag)
        except OutOfMemoryError:
            logger.warning(
                "Redis is full and refused the acknowledgement of message %s; it is redelivered "
                "after the visibility timeout",
                delivery_tag,
            )
            self._forget(delivery_tag)

    def restore_unacked(self, client: Any = None) -> None:
        if self._connection_detached():
            if self._delivered:
                logger.warning(
                    "Broker connection closed with %d unacknowledged message(s); Redis redelivers "
                    "them after the visibility timeout",
                    len(self._delivered),
                )
                self._delivered.clear()
            return
        super().restore_unacked(client)


class Channel(kombu_redis.Channel):
    QoS = QoS


class Transport(kombu_redis.Transport):
    Channel = Channel
