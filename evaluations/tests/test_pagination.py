"""Keyset pagination (core/pagination.py): the lists page by cursor, not by number."""

import base64
import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from core import pagination
from core.pagination import count_rows, decode_cursor, encode_cursor, paginate, sort_keys
from factories import (
    AgreementFactory,
    CadreFactory,
    EvaluationFactory,
    PartnerFactory,
    SessionFactory,
)
from partners.models import Agreement, Partner
from programs.models import Cadre, Session

pytestmark = pytest.mark.django_db


def walk(queryset, per_page: int) -> tuple[list[list[int]], list]:
    """Every page forwards from the first, then back again with the "previous" links."""
    pages, page = [], paginate(RequestFactory().get("/"), queryset, per_page)
    while True:
        pages.append([row.pk for row in page])
        if not page.has_next:
            break
        page = paginate(RequestFactory().get("/", {"after": page.next_cursor}), queryset, per_page)
    backwards = [[row.pk for row in page]]
    while page.has_previous:
        request = RequestFactory().get("/", {"before": page.previous_cursor})
        page = paginate(request, queryset, per_page)
        backwards.append([row.pk for row in page])
    return pages, backwards


def test_it_walks_forward_and_back_across_ties():
    # Ten cadres share each of three names: the primary key breaks the ties.
    for name in ("Siti", "Agus", "Wati"):
        CadreFactory.create_batch(10, full_name=name)
    cadres = Cadre.objects.order_by("full_name", "pk")
    pages, backwards = walk(cadres, per_page=4)
    expected = list(cadres.values_list("pk", flat=True))
    assert [pk for page in pages for pk in page] == expected  # each once, in order
    assert [len(p) for p in pages] == [4] * 7 + [2]
    assert backwards == pages[::-1]  # the same pages on the way back


def test_it_walks_a_descending_sort_stably():
    sessions = SessionFactory.create_batch(9, date=dt.date(2026, 3, 1))
    SessionFactory.create_batch(4, mentorship=sessions[0].mentorship, date=dt.date(2026, 2, 1))
    rows = Session.objects.order_by("-date", "-pk")
    pages, _ = walk(rows, per_page=5)
    assert [pk for page in pages for pk in page] == list(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("descending", [False, True])
def test_it_puts_missing_values_last_either_way(descending):
    # Open-ended agreements (no end date) come after the dated ones in both directions.
    ends = [None, dt.date(2027, 1, 1), None, dt.date(2026, 1, 1), dt.date(2027, 1, 1), None]
    for end in ends:
        AgreementFactory(end_date=end)
    ordering = "-end_date" if descending else "end_date"
    pages, backwards = walk(Agreement.objects.order_by(ordering), per_page=2)
    listed = [pk for page in pages for pk in page]
    dated = sorted(
        Agreement.objects.exclude(end_date=None).values_list("end_date", "pk"),
        reverse=descending,
    )
    undated = sorted(Agreement.objects.filter(end_date=None).values_list("pk", flat=True))
    assert listed == [pk for _, pk in dated] + (undated[::-1] if descending else undated)
    assert backwards == pages[::-1]


def test_it_pages_a_sort_through_a_relation():
    for i in range(7):
        PartnerFactory(name=f"Mitra {i}")
    partners = Partner.objects.order_by("-province__name")
    pages, backwards = walk(partners, per_page=3)
    assert sorted(pk for page in pages for pk in page) == sorted(p.pk for p in partners)
    assert backwards == pages[::-1]


def test_it_keeps_microseconds_and_dates_in_the_cursor():
    created = CadreFactory()
    keys = sort_keys(Cadre.objects.order_by("-created_at"))
    cursor = encode_cursor([created.created_at, created.pk])
    assert decode_cursor(cursor, Cadre, keys) == [created.created_at, created.pk]


def garbage_cursors() -> list[str]:
    def b64(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()

    return [
        "abc",
        "!!!",
        b64("just a string"),
        b64(["Siti"]),  # too short for (full_name, pk)
        b64(["Siti", "not-a-number"]),
        b64(["Siti", True]),
        b64([["nested"], 1]),
        b64(["Siti", None]),
        b64(["Siti", 10**30]),
    ]


@pytest.mark.parametrize("cursor", garbage_cursors())
def test_it_shows_the_first_page_for_a_tampered_cursor(client, coordinator, cursor):
    # Someone edits the "next" link by hand: the first page, never a 500.
    CadreFactory.create_batch(3)
    keys = sort_keys(Cadre.objects.order_by("full_name", "pk"))
    assert decode_cursor(cursor, Cadre, keys) is None
    client.force_login(coordinator)
    for direction in ("after", "before"):
        response = client.get(reverse("programs:cadre_list"), {direction: cursor})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 3
        assert not response.context["page"].has_previous


def test_it_counts_exactly_up_to_the_cap_then_says_more_than():
    CadreFactory.create_batch(5)
    assert count_rows(Cadre.objects.all(), cap=10) == pagination.RowCount(5, "exact")
    assert count_rows(Cadre.objects.all(), cap=3) == pagination.RowCount(3, "more_than")


def test_it_estimates_an_unfiltered_table_on_postgresql(postgres, monkeypatch):
    CadreFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_cadre")
    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 1)
    cache.delete(f"kader:reltuples:{connection.settings_dict['NAME']}:programs_cadre")
    estimated = count_rows(Cadre.objects.all())
    assert estimated.about and estimated.value == 5
    # A filter (or a user who sees only some rows) gets the capped count instead.
    assert count_rows(Cadre.objects.filter(stage="participant")).exact


def test_it_says_about_or_more_than_on_the_page(client, coordinator, monkeypatch):
    # The coordinator opens the sessions with a cap of 2 rows to count.
    SessionFactory.create_batch(3)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client.force_login(coordinator)
    response = client.get(reverse("programs:session_list"), {"attendance": "attended"})
    assert response.context["page"].count.kind == "more_than"
    assert 'data-testid="count"' in response.content.decode()
    # Unfiltered, on a big table: the planner's estimate, rounded.
    monkeypatch.setattr(pagination, "_estimated_rows", lambda queryset: 1_234_567)
    response = client.get(reverse("programs:session_list"))
    assert response.context["page"].count.about
    assert response.context["page"].count.display in ("1.2 million", "1,2 juta")
    assert "1,2 juta" in response.content.decode() or "1.2 million" in response.content.decode()


LISTS = [
    ("partners:partner_list", {"sort": "-updated"}),
    ("partners:agreement_list", {"sort": "-end"}),
    ("programs:cadre_list", {"sort": "-created"}),
    ("programs:session_list", {"sort": "-duration"}),
    ("evaluations:evaluation_list", {"sort": "-period"}),
]


@pytest.fixture
def rows():
    for i in range(30):
        agreement = AgreementFactory(end_date=dt.date(2027, 1, 1 + i % 3))
        SessionFactory(duration_minutes=30 + i % 4 * 15)
        CadreFactory()
        EvaluationFactory(agreement=agreement, period_start=dt.date(2025, 1 + i % 2, 1))
    return None


@pytest.mark.parametrize(("name", "sort"), LISTS)
def test_every_list_pages_on_by_cursor_under_its_sort(client, coordinator, rows, name, sort):
    # The coordinator sorts a list and follows "Next", then "Previous", then "First".
    client.force_login(coordinator)
    url = reverse(name)
    first = client.get(url, sort)
    page = first.context["page"]
    assert len(page.object_list) == 25 and page.has_next and not page.has_previous
    html = first.content.decode()
    assert 'rel="next"' in html and "page=" not in html.split('rel="next"')[0][-300:]
    second = client.get(url + page.next_url)
    assert second.status_code == 200
    following = second.context["page"]
    assert following.has_previous
    assert not {r.pk for r in page} & {r.pk for r in following}
    back = client.get(url + following.previous_url).context["page"]
    assert [r.pk for r in back] == [r.pk for r in page]
    assert following.first_url == "?" + "&".join(f"{k}={v}" for k, v in sort.items())


@pytest.mark.parametrize("sort", ["cadre", "-nonsense", ""])
def test_an_unknown_session_sort_shows_the_newest_first(client, coordinator, sort):
    # A stale link or a typo in `sort` keeps the list's own order, the one its index serves
    # (the model's order has no index: 230 ms at 12 million sessions).
    for days in (3, 1, 2):
        SessionFactory(date=dt.date(2026, 1, 1) + dt.timedelta(days=days))
    client.force_login(coordinator)
    page = client.get(reverse("programs:session_list"), {"sort": sort}).context["page"]
    assert [s.date.day for s in page.object_list] == [4, 3, 2]
    # The cursor holds (date, id): the keyset of the list's order, not the model's three keys.
    cursor = json.loads(base64.urlsafe_b64decode(page.next_cursor + "=" * 4))
    assert cursor == ["2026-01-02", page.object_list[-1].pk]


@pytest.mark.django_db
def test_ids_fetched_beforehand_select_the_same_rows_both_ways():
    """`id_list` (a set-returning unnest on PostgreSQL) and `among_ids` (one array
    parameter) select what `pk__in` would, empty lists included, and still take a keyset
    page and a count."""
    partners = PartnerFactory.create_batch(6)
    chosen = [p.pk for p in partners[1:5]] + [partners[1].pk]  # a repeat changes nothing
    expected = sorted({*chosen})
    everyone = Partner.objects.order_by("pk")
    assert [p.pk for p in everyone.filter(pk__in=pagination.id_list(chosen))] == expected
    assert [p.pk for p in pagination.among_ids(everyone, chosen)] == expected
    assert not everyone.filter(pk__in=pagination.id_list([])).exists()
    assert not pagination.among_ids(everyone, []).exists()
    page = paginate(
        RequestFactory().get("/"), everyone.filter(pk__in=pagination.id_list(chosen)), 3
    )
    assert [p.pk for p in page.object_list] == expected[:3]
    assert page.has_next and page.count.value == 4
