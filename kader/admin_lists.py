"""What every Django admin changelist of Kader shares so it stays fast with millions of rows.

The admin's changelist counts its rows on every request (twice when filtered) to draw its
paginator. At the national tier that is a `COUNT(*)` over 12 million sessions (1.3–2 s).
Here a large table's count comes from the planner's estimate instead (kept current by
ANALYZE and autovacuum): unfiltered, from pg_class; filtered, the rows are counted exactly
up to EXACT_BELOW, and only a longer list is given the planner's estimate for its filter.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

# Up to this many rows a count costs a few milliseconds: those lists are counted exactly.
EXACT_BELOW = 10_000


def estimated_rows(queryset: QuerySet) -> int:
    """The planner's row estimate for the queryset's whole table; -1 when there is none."""
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else -1


def planned_rows(queryset: QuerySet) -> int:
    """The number of rows PostgreSQL's planner expects the queryset to return."""
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Exact counts for short lists; the planner's estimate for lists of EXACT_BELOW or more."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        if not queryset.query.where:
            estimate = estimated_rows(queryset)
            return estimate if estimate >= EXACT_BELOW else super().count
        # Counting stops at the cap: a filter that keeps millions of rows costs no more than
        # one that keeps EXACT_BELOW.
        capped = queryset.order_by()[:EXACT_BELOW].count()
        if capped < EXACT_BELOW:
            return capped
        return max(planned_rows(queryset), EXACT_BELOW)


class LargeTableAdmin(admin.ModelAdmin):
    """Base of every Kader ModelAdmin: no second, unfiltered count; estimated long counts.

    Each admin still names its own `ordering` (on an indexed column), `list_select_related`,
    and raw-id or autocomplete widgets for foreign keys to large tables.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False


class HistoryAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    """A large table whose changes are kept (django-simple-history)."""
