"""Sends are published in batches: a sweep of 100,000 reminders queues in seconds."""

import uuid

import pytest

from evaluations.tasks import SEND_BATCH, enqueue_sends, send_reminders

pytestmark = pytest.mark.services


def test_it_publishes_the_ids_in_batches_through_redis(redis_url):
    queue = f"test-batches-{uuid.uuid4().hex}"
    ids = list(range(1, 2 * SEND_BATCH + 2))
    assert enqueue_sends(ids, queue=queue) == len(ids)
    batches = []
    with send_reminders.app.connection_for_write() as broker:
        channel = broker.default_channel
        try:
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                assert message.headers["task"] == send_reminders.name
                args, _kwargs, _embed = message.decode()
                batches.append(args[0])
        finally:
            channel.queue_purge(queue)
    assert [len(batch) for batch in batches] == [SEND_BATCH, SEND_BATCH, 1]
    assert [i for batch in batches for i in batch] == ids
