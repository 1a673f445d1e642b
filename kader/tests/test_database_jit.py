"""The app's PostgreSQL connections run without the JIT compiler unless DATABASE_JIT says so:
it compiled the pairing page's ranking for 300 ms at the national tier, to save nothing."""

import pytest
from django.conf import settings
from django.db import connection

from conftest import need_postgres

pytestmark = pytest.mark.django_db


def test_it_turns_postgresqls_jit_off_for_the_apps_connections():
    need_postgres(settings)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
