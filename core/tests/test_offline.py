"""The exactly-once promise of core/offline.py, held by the database: a send with the key of
another send still being saved waits for it, then gets its answer and saves nothing."""

import json
import threading
import uuid

import pytest
from django.db import close_old_connections, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from core import offline
from core.models import OfflineSend

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_twin_send_waits_for_the_first_and_gets_its_answer(postgres, mentor_a):
    key = uuid.uuid4()
    inserted, release = threading.Event(), threading.Event()

    def first_send() -> None:
        # The first send has recorded its key and is still saving (not committed yet).
        close_old_connections()
        try:
            with transaction.atomic():
                OfflineSend.objects.create(key=key, user=mentor_a, location="/first/")
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    saved = []

    @offline.offline_sendable
    def view(request):
        location = offline.save_once(request, lambda: saved.append(1) or (mentor_a, "/twin/"))
        return HttpResponse(location)

    thread = threading.Thread(target=first_send)
    thread.start()
    assert inserted.wait(10)
    # The twin's look-up finds nothing yet; its insert waits on the first one's lock.
    threading.Timer(0.5, release.set).start()
    request = RequestFactory().post(
        "/", {"idempotency_key": str(key)}, headers={"X-Kader-Offline": "1"}
    )
    request.user = mentor_a
    response = view(request)
    thread.join()
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "sent", "location": "/first/"}
    assert saved == []
    assert OfflineSend.objects.count() == 1


def test_a_refused_save_keeps_no_key(mentor_a):
    # A form the server refuses (None) leaves the key free for the corrected send.
    key = uuid.uuid4()
    request = RequestFactory().post("/", {"idempotency_key": str(key)})
    request.user = mentor_a
    assert offline.save_once(request, lambda: None) is None
    assert not OfflineSend.objects.exists()
