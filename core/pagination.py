"""Keyset ("cursor") pagination and cheap row counts for the big lists.

`OFFSET` pagination reads and throws away every row before the page, and its page count
needs an exact `COUNT(*)`: at 12 million sessions both are seconds. Here a page is "the next
25 rows after this row" in the list's order (its chosen sort, then the primary key as the
tie-breaker), so a deep page costs what the first does when an index on `(sort column, id)`
exists. The links carry an opaque cursor, the boundary row's sort values; a cursor that
does not decode (tampered, stale, from another sort) shows the first page.

Why not django-cursor-pagination: it writes the keyset condition as
`a > x OR (a = x AND id > y)`, which PostgreSQL cannot turn into one index range, and it
has no notion of nullable sort columns. Here the condition is a row comparison
`(a, id) > (x, y)` (Django 5.2's tuple lookups), which bounds the index scan exactly, or,
where keys run in mixed directions or may be NULL, `a >= x AND (a > x OR …)`.

Counting: an unfiltered list of everything on PostgreSQL shows "about N" from the planner's
statistics (`pg_class.reltuples`); otherwise rows are counted up to `COUNT_CAP` only
("more than 1,000"): a `LIMIT` inside the count stops the scan there.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.humanize.templatetags.humanize import intcomma, intword
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, connections
from django.db.models import BooleanField, F, Field, Model, Q, QuerySet
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.lookups import Lookup
from django.http import HttpRequest, QueryDict

PER_PAGE = 25
COUNT_CAP = 1000
# Below this many rows an exact count is as cheap as the estimate and reads better.
ESTIMATE_FROM = 50_000
ESTIMATE_TTL = 300  # seconds


def id_list(ids: list[int]):
    """The right side of `pk__in` for ids fetched beforehand (a search's matches).

    As a list of values, PostgreSQL may walk the list's sort index testing each row against
    the list (1.7 s for 1,200 names among 1.2 million cadres, all under S). As a set-returning
    `unnest` it looks the ids up by primary key and sorts the few rows (15 ms), and a keyset
    condition on the sort columns still applies. Other databases get the plain list.
    """
    if connection.vendor != "postgresql":
        return list(ids)
    return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))


def among_ids(queryset: QuerySet, ids: list[int]) -> QuerySet:
    """`queryset.filter(pk__in=ids)` with the ids as one array parameter (`= ANY(%s)`).

    The same plan as a list of values (PostgreSQL turns `IN (…)` into `= ANY`), without
    Django writing one placeholder per id: 150–250 ms for the 37,000 ids of an admin search
    for "siti". Unlike `id_list`, the planner may still walk the list's sort index, so the
    caller orders by something no index serves (`admin_lists.sorted_not_walked`).
    """
    db = connections[queryset.db]
    if db.vendor != "postgresql":
        return queryset.filter(pk__in=list(ids))
    meta, quote = queryset.model._meta, db.ops.quote_name
    column = f"{quote(meta.db_table)}.{quote(meta.pk.column)}"
    # The column is the model's own, quoted; the ids are a parameter.
    where = f"{column} = ANY(%s::bigint[])"
    return queryset.filter(RawSQL(where, (list(ids),), output_field=BooleanField()))  # noqa: S611


@dataclass(frozen=True)
class SortKey:
    path: str  # a field path as order_by takes it: "full_name", "province__name", "pk"
    descending: bool
    nullable: bool  # NULLs sort last in the list's order, whichever the direction

    def order_by(self, *, reverse: bool = False) -> OrderBy:
        descending = self.descending != reverse
        # NULLS FIRST/LAST only where there can be NULLs: on a NOT NULL column it would
        # stop PostgreSQL from walking an index backwards for a descending sort.
        nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        extra = nulls if self.nullable else {}
        column = F(self.path)
        return column.desc(**extra) if descending else column.asc(**extra)


@dataclass(frozen=True)
class RowCount:
    value: int
    kind: str  # "exact", "more_than" (value is the cap), "about" (an estimate)

    @property
    def exact(self) -> bool:
        return self.kind == "exact"

    @property
    def about(self) -> bool:
        return self.kind == "about"

    @property
    def display(self) -> str:
        if self.kind == "about" and self.value >= 1_000_000:
            return str(intword(self.value))
        if self.kind == "about":
            return intcomma(round(self.value, -2) or self.value)
        return intcomma(self.value)


@dataclass
class CursorPage:
    object_list: list
    has_next: bool
    has_previous: bool
    next_cursor: str
    previous_cursor: str
    count: RowCount
    query: str  # the list's query string without any cursor, for the links

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def _link(self, **cursor: str) -> str:
        params = QueryDict(self.query, mutable=True)
        params.update(cursor)
        return "?" + params.urlencode()

    @property
    def first_url(self) -> str:
        return "?" + self.query

    @property
    def next_url(self) -> str:
        return self._link(after=self.next_cursor)

    @property
    def previous_url(self) -> str:
        return self._link(before=self.previous_cursor)


# --- the order ---------------------------------------------------------------------------


def _nullable(model: type[Model], path: str) -> bool:
    """Whether any step of a field path may be NULL (a nullable FK or column)."""
    for name in path.split("__"):
        if name == "pk":
            return False
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True  # an annotation: assume the worst, it still sorts correctly
        # GenericForeignKey is a Field since Django 5.1; the stubs do not know it yet.
        if field.null:  # type: ignore[union-attr]
            return True
        if field.is_relation:
            # A relation's model is a class once the apps are loaded, never "self".
            model = cast(type[Model], field.related_model)
    return False


def sort_keys(queryset: QuerySet) -> list[SortKey]:
    """The queryset's order as keys, ending with the primary key (added if missing)."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys = []
    for item in ordering:
        if not isinstance(item, str) or item == "?":
            raise TypeError(f"Keyset pagination needs field names in order_by, not {item!r}")
        path = item.lstrip("-")
        if path in ("pk", "id"):
            break  # the tie-breaker: always the last key, added below
        keys.append(SortKey(path, item.startswith("-"), _nullable(queryset.model, path)))
    # The tie-breaker runs the same way as the first key, so one (column, id) index serves.
    descending = keys[0].descending if keys else False
    return [*keys, SortKey("pk", descending, False)]


def _value(row: Model, path: str) -> Any:
    value: Any = row
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value.pk if isinstance(value, Model) else value


def _field_for(model: type[Model], path: str) -> Field:
    # Any: a sort path names columns and forward relations only, not the reverse relations
    # and generic keys that get_field() may also return.
    field: Any = None
    for name in path.split("__"):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.is_relation:
            model = field.related_model
    if field is not None and field.is_relation:  # sorting by a foreign key: its id
        field = field.target_field
    return field


# --- the cursor --------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()  # microseconds kept: auto_now columns have them
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_jsonable(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[Model], keys: list[SortKey]) -> list[Any] | None:
    """The boundary values, checked against the fields; None for anything that is not."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    checked: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        if value is None and key.nullable:
            checked.append(None)
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return None
        try:
            field = _field_for(model, key.path)
            checked.append(field.clean(value, None))  # parsed, and in the column's range
        except (FieldDoesNotExist, ValidationError, TypeError, ValueError, OverflowError):
            return None
    if checked[-1] is None:
        return None
    return checked


def _beyond(keys: list[SortKey], values: list[Any], *, forward: bool) -> Q | Lookup:
    """Rows after (forward) or before the boundary row in the keys' order.

    When every key runs the same way and none can be NULL, a row comparison
    `(a, id) > (x, y)`: PostgreSQL starts its index scan exactly at the boundary, even on
    a column with few values (a status, a duration). Otherwise the expanded form below.
    """
    if len({k.descending for k in keys}) == 1 and not any(k.nullable for k in keys):
        row = Tuple(*(F(k.path) for k in keys))
        comparison = TupleLessThan if keys[0].descending == forward else TupleGreaterThan
        return comparison(row, tuple(values))
    return _beyond_expanded(keys, values, forward=forward)


def _beyond_expanded(keys: list[SortKey], values: list[Any], *, forward: bool) -> Q:
    """Written `a >= x AND (a > x OR <rest>)`: the first half is an index range condition."""
    key, value, rest = keys[0], values[0], keys[1:]
    later = "lt" if key.descending == forward else "gt"
    if value is None:  # the boundary is among the NULLs, which come last
        if forward:
            rest_after = _beyond_expanded(rest, values[1:], forward=True)
            return Q(**{f"{key.path}__isnull": True}) & rest_after
        return Q(**{f"{key.path}__isnull": False}) | (
            Q(**{f"{key.path}__isnull": True}) & _beyond_expanded(rest, values[1:], forward=False)
        )
    strictly = Q(**{f"{key.path}__{later}": value})
    if not rest:
        return strictly
    or_equal = Q(**{f"{key.path}__{later}e": value})
    if key.nullable and forward:  # NULLs come after every value
        nulls = Q(**{f"{key.path}__isnull": True})
        strictly |= nulls
        or_equal |= nulls
    return or_equal & (strictly | _beyond_expanded(rest, values[1:], forward=forward))


# --- counting ----------------------------------------------------------------------------


def _estimated_rows(queryset: QuerySet) -> int | None:
    """The planner's row estimate for an unfiltered table on PostgreSQL, else None.

    Cached for a few minutes: the statistics change only with ANALYZE, and a page then
    issues the same queries on PostgreSQL as on SQLite.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where or queryset.query.distinct:
        return None
    table = queryset.model._meta.db_table
    key = f"kader:reltuples:{connection.settings_dict['NAME']}:{table}"

    def reltuples() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table]
            )
            row = cursor.fetchone()
        return row[0] if row else -1

    # Never None: reltuples() always gives a number, and that is what the cache stores.
    estimate = cast(int, cache.get_or_set(key, reltuples, timeout=ESTIMATE_TTL))
    return estimate if estimate >= ESTIMATE_FROM else None


def count_rows(queryset: QuerySet, cap: int | None = None) -> RowCount:
    cap = cap or COUNT_CAP
    estimate = _estimated_rows(queryset)
    if estimate is not None:
        return RowCount(estimate, "about")
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return RowCount(cap, "more_than") if counted > cap else RowCount(counted, "exact")


# --- the page ----------------------------------------------------------------------------


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PER_PAGE) -> CursorPage:
    """One page of `queryset` in its own order, from the request's `after`/`before` cursor."""
    params = request.GET.copy()
    after, before = params.pop("after", [""])[-1], params.pop("before", [""])[-1]
    params.pop("page", None)  # links from before keyset pagination
    return keyset_page(queryset, after=after, before=before, per_page=per_page, query=params)


def keyset_page(
    queryset: QuerySet, *, after: str, before: str, per_page: int, query: QueryDict
) -> CursorPage:
    keys = sort_keys(queryset)
    cursor = after or before
    boundary = decode_cursor(cursor, queryset.model, keys) if cursor else None
    forward = boundary is None or not before  # a cursor that does not decode: the first page
    rows = queryset.order_by(*(k.order_by(reverse=not forward) for k in keys))
    if boundary is not None:
        rows = rows.filter(_beyond(keys, boundary, forward=forward))
    fetched = list(rows[: per_page + 1])
    more = len(fetched) > per_page
    if boundary is not None and not forward and not more:
        # Fewer than a page before the boundary: that is the first page, shown whole.
        return keyset_page(queryset, after="", before="", per_page=per_page, query=query)
    fetched = fetched[:per_page]
    if not forward:
        fetched.reverse()

    def cursor_of(row: Model) -> str:
        return encode_cursor([_value(row, k.path) for k in keys])

    moved = boundary is not None
    return CursorPage(
        object_list=fetched,
        has_next=more if forward else True,
        has_previous=moved if forward else True,
        next_cursor=cursor_of(fetched[-1]) if fetched else "",
        previous_cursor=cursor_of(fetched[0]) if fetched else "",
        count=count_rows(queryset),
        query=query.urlencode(),
    )
