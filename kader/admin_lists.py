"""What every Django admin changelist of Kader shares so it stays fast with millions of rows.

The admin's changelist counts its rows on every request (twice when filtered) to draw its
paginator. At the national tier that is a `COUNT(*)` over 12 million sessions. Unfiltered,
a large table's count comes from the planner's estimate instead (kept current by ANALYZE
and autovacuum); filtered or small lists are still counted exactly.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

# Below this many rows an exact count costs a few milliseconds: keep it exact.
EXACT_BELOW = 100_000


def estimated_rows(queryset: QuerySet) -> int:
    """The planner's row estimate for the queryset's table; -1 when there is none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else -1


class EstimatedCountPaginator(Paginator):
    """Exact count when filtered or small; the planner's estimate for a large whole table."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where:
            estimate = estimated_rows(queryset)
            if estimate >= EXACT_BELOW:
                return estimate
        return super().count


class LargeTableAdmin(admin.ModelAdmin):
    """Base of every Kader ModelAdmin: no full count, an estimated one for whole tables.

    Each admin still names its own `ordering` (on an indexed column), `list_select_related`,
    and raw-id or autocomplete widgets for foreign keys to large tables.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False


class HistoryAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    """A large table whose changes are kept (django-simple-history)."""
