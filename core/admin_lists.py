"""What every Django admin changelist of Kader shares so it stays fast with millions of rows.

The admin's changelist counts its rows on every request (twice when filtered) to draw its
paginator. At the national tier that is a `COUNT(*)` over 12 million sessions (1.3–2 s).
Here a large table's count comes from the planner's estimate instead (kept current by
ANALYZE and autovacuum): unfiltered, from pg_class; filtered, the rows are counted exactly
up to EXACT_BELOW, and only a longer list is given the planner's estimate for its filter.
"""

from __future__ import annotations

import json
from typing import cast

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.pagination import among_ids

# Up to this many rows a count costs a few milliseconds: those lists are counted exactly.
EXACT_BELOW = 10_000
# A search matching up to this many rows lists them by their ids (LargeTableAdmin).
MATCHES_LISTED = 50_000


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

    # What the admin's search already found: the number of matches (counted up to
    # MATCHES_LISTED + 1), so that they are not counted again.
    matches: int | None = None

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if self.matches is not None and self.matches <= MATCHES_LISTED:
            return self.matches
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        if self.matches is not None:  # more matches than MATCHES_LISTED
            return max(planned_rows(queryset), self.matches - 1)
        if not queryset.query.where:
            estimate = estimated_rows(queryset)
            return estimate if estimate >= EXACT_BELOW else super().count
        # Counting stops at the cap: a filter that keeps millions of rows costs no more than
        # one that keeps EXACT_BELOW.
        capped = queryset.order_by()[:EXACT_BELOW].count()
        if capped < EXACT_BELOW:
            return capped
        return max(planned_rows(queryset), EXACT_BELOW)


def related_path(model, search_field: str) -> tuple[list, str] | None:
    """The forward foreign keys a plain search field goes through, and the field at its end.

    None for what the default search must keep doing itself: a prefixed field ("^", "=",
    "@"), an explicit lookup, or a path through a many-valued relation.
    """
    if search_field[:1] in "^=@":
        return None
    *hops, name = search_field.split("__")
    relations = []
    for hop in hops:
        try:
            field = model._meta.get_field(hop)
        except FieldDoesNotExist:
            return None
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            return None
        relations.append(field)
        model = field.related_model
    try:
        if model._meta.get_field(name).is_relation:
            return None
    except FieldDoesNotExist:
        return None  # a lookup such as "name__exact"
    return relations, name


def matching(model, relations: list, names: list[str], words: list[str]) -> Q:
    """Rows of model whose related row (through relations) has every word in its names.

    A subquery per table, `enrolment_id IN (SELECT id … WHERE cadre_id IN (SELECT id FROM
    cadre WHERE …))`, instead of the admin's joins: each table is searched through its own
    indexes (the cadre through its trigram index, all words at once), and no join turns
    the search into a walk through the listed table.
    """
    if not relations:
        every_word = Q()
        for word in words:
            any_name = Q()
            for name in names:
                any_name |= Q(**{f"{name}__icontains": word})
            every_word &= any_name
        return every_word
    first, *rest = relations
    inner = first.related_model._default_manager.filter(
        matching(first.related_model, rest, names, words)
    )
    return Q(**{f"{first.name}__in": inner.order_by().values("pk")})


def sorted_not_walked(ordering):
    """The same sort order over an expression no index serves.

    For the rows a search lists (up to MATCHES_LISTED): PostgreSQL would otherwise walk the list's
    sort index (cadre_name_idx, say) testing each row against the ids, expecting them
    spread evenly along it, when names matching "siti" all sit under S.
    """
    if not isinstance(ordering, str) or ordering == "?":
        return ordering
    name = ordering.removeprefix("-")
    same = Coalesce(F(name), F(name))
    return same.desc() if ordering.startswith("-") else same.asc()


class LargeTableAdmin(admin.ModelAdmin):
    """Base of every Kader ModelAdmin: no second, unfiltered count; estimated long counts.

    Each admin still names its own `ordering` (on an indexed column), `list_select_related`,
    and raw-id or autocomplete widgets for foreign keys to large tables.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    search_help_text = _(
        "Finds every word, in any case, anywhere in the fields searched. Words about a "
        "related record (the cadre, the program, the mentor) must all be in that one record."
    )

    def get_queryset(self, request) -> QuerySet:
        """A superuser sees every row; other staff the rows their scope holds, decided by the
        model's `visible_to(user)` like every page (their counts are counted, not estimated
        from the whole table, since a scoped list has a filter)."""
        queryset = super().get_queryset(request)
        visible_to = getattr(queryset, "visible_to", None)
        if visible_to is None or request.user.is_superuser:
            return queryset
        return visible_to(request.user)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # Of self.paginator's class, EstimatedCountPaginator.
        paginator = cast(
            EstimatedCountPaginator,
            super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page),
        )
        paginator.matches = getattr(request, "kader_search_matches", None)
        return paginator

    def get_search_results(self, request, queryset: QuerySet, search_term: str):
        """A case-insensitive search of every word, by subquery and in two steps.

        First the ids of the matching rows, up to MATCHES_LISTED, through a subquery on each
        searched table (joined by UNION ALL, not OR: PostgreSQL answers an OR of subqueries
        by testing every row of the listed table); then the page is those ids, sorted.
        Walking the list's sort index and testing each row instead (the plan PostgreSQL
        picks for the admin's joins) reads the whole table when few rows match, or when
        they sit together in the sort order ("siti" in names sorted by name). A broader
        search keeps the subqueries.

        Unlike Django's search, all words must be in one related row (the cadre's name and
        e-mail, say), not some in the cadre and some in the program: so the words narrow
        each table's own index scan. Django's own search when a field is not a plain path
        of forward foreign keys.
        """
        fields = list(self.get_search_fields(request))
        paths = [related_path(self.model, field) for field in fields]
        words = [
            unescape_string_literal(word) if word[:1] in "\"'" and word[0] == word[-1] else word
            for word in smart_split(search_term)
        ]
        if not words or not fields or None in paths:
            return super().get_search_results(request, queryset, search_term)
        groups: dict[tuple, list[str]] = {}
        for relations, name in cast(list[tuple[list, str]], paths):  # no None: see above
            groups.setdefault(tuple(relations), []).append(name)
        parts = [matching(self.model, list(rel), names, words) for rel, names in groups.items()]
        any_part = Q()
        for part in parts:
            any_part |= part
        # Testing each row against the subqueries as the list's sort index is walked: quick
        # only when many rows match, all along the index (a broad search).
        searched = queryset.filter(any_part)
        found = queryset.filter(parts[0]).order_by().values_list("pk", flat=True)
        if len(parts) > 1:
            # UNION ALL, not OR: PostgreSQL answers an OR of subqueries by testing every
            # row of the listed table. A row found twice is listed once.
            others = [
                queryset.filter(part).order_by().values_list("pk", flat=True) for part in parts[1:]
            ]
            found = found.union(*others, all=True)
        if connections[queryset.db].vendor != "postgresql":
            return searched, False  # SQLite: a few rows, and a limit on query parameters
        found_ids = list(found[: MATCHES_LISTED + 1])
        if len(found_ids) > MATCHES_LISTED:
            request.kader_search_matches = len(found_ids)
            return searched, False
        ids = list(dict.fromkeys(found_ids))
        request.kader_search_matches = len(ids)
        # A list of values, not a subquery: the planner knows how many rows it will read.
        # Passed as one array, not one parameter per id (among_ids).
        listed = among_ids(queryset, ids)
        return listed.order_by(*map(sorted_not_walked, queryset.query.order_by)), False


class HistoryAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    """A large table whose changes are kept (django-simple-history)."""
