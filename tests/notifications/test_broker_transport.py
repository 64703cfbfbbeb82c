"""Bridge's Redis broker transport (config/broker.py) against a private redis-server: an
acknowledgement Redis cannot take leaves the message for redelivery instead of raising into the
worker's event loop."""

from collections.abc import Iterator

import pytest
import redis
from kombu import Connection
from kombu.simple import SimpleQueue

from tests.notifications.conftest import RedisServer

BRIDGE_TRANSPORT = "config.broker:Transport"


def fill(client: redis.Redis) -> None:
    """Redis at `maxmemory` with noeviction: below what it already holds, so every write is
    refused however much the test's own commands shift its memory use."""
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", client.info("memory")["used_memory"] // 2)
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        client.set("filler", b"x")


@pytest.fixture
def client(private_redis: RedisServer) -> redis.Redis:
    return redis.Redis.from_url(private_redis.url)


def queue_with_one_message(private_redis: RedisServer, *, transport: str) -> Iterator[SimpleQueue]:
    with Connection(private_redis.url, transport=transport) as connection:
        queue = connection.SimpleQueue("drill")
        queue.put({"delivery": 1})
        yield queue
        queue.close()


@pytest.fixture
def bridge_queue(private_redis: RedisServer) -> Iterator[SimpleQueue]:
    yield from queue_with_one_message(private_redis, transport=BRIDGE_TRANSPORT)


@pytest.fixture
def kombu_queue(private_redis: RedisServer) -> Iterator[SimpleQueue]:
    yield from queue_with_one_message(private_redis, transport="redis")


def test_kombus_own_transport_raises_when_a_full_redis_refuses_an_acknowledgement(kombu_queue, client):
    """Why config/broker.py exists: when this stops failing, kombu handles it and the override
    can go."""
    message = kombu_queue.get(timeout=5)
    fill(client)

    with pytest.raises(redis.exceptions.OutOfMemoryError):
        message.ack()


def test_an_acknowledgement_a_full_redis_refuses_leaves_the_message_for_redelivery(bridge_queue, client):
    message = bridge_queue.get(timeout=5)
    fill(client)

    message.ack()

    assert client.hkeys("unacked") == [message.delivery_tag.encode()]
    client.config_set("maxmemory", 0)
    message.channel.qos.visibility_timeout = 0
    message.channel.qos.restore_visible(interval=1)
    assert bridge_queue.get(timeout=5).payload == {"delivery": 1}


def test_a_message_received_while_redis_is_full_is_delivered_without_a_copy_in_redis(private_redis, client):
    with Connection(private_redis.url, transport=BRIDGE_TRANSPORT) as connection:
        queue = connection.SimpleQueue("drill")
        queue.put({"delivery": 1})
        fill(client)

        message = queue.get(timeout=5)
        message.ack()

        assert message.payload == {"delivery": 1}
        assert client.exists("unacked") == 0
        queue.close()
