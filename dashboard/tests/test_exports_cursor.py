"""A CSV export reads its rows through a cursor that streams (issue 20).

Outside a transaction Django declares a server-side cursor WITH HOLD, and PostgreSQL then
computes the whole result before handing over the first row: minutes for the nation's 12
million sessions. The stream runs in a transaction, so the cursor is a plain one.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import CadreFactory

# A real commit, as in production: the test's own transaction would hide WITH HOLD.
pytestmark = pytest.mark.django_db(transaction=True)


def test_it_streams_the_rows_without_a_held_cursor(client, coordinator):
    # The coordinator downloads the cadre directory as CSV.
    CadreFactory.create_batch(3)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:export", args=["cadres", "csv"]))
        body = b"".join(response.streaming_content).decode()
    declared = [q["sql"] for q in queries if q["sql"].startswith("DECLARE")]
    assert declared, "the rows are not read through a server-side cursor"
    assert not any("WITH HOLD" in sql for sql in declared)
    assert len(body.strip().splitlines()) == 1 + 3
