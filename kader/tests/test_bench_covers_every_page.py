"""`make bench` measures every page of the URL list (issue 20).

The bench declares its pages by URL name (bench/pages.py), so this holds it to the URLconf
without a seeded database: a new page that the bench does not measure fails here until it
is added to bench/pages.py, or to its NOT_PAGES with the reason it is no page to measure.
The admin's pages are measured from its registry and are left out.
"""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from bench.pages import (
    COORDINATOR,
    DISTRICT,
    MENTOR_PAGES,
    NATIONAL,
    NOT_PAGES,
    REFERENCES,
    covered_names,
    planned,
)


def url_names(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_names(
                entry, namespace + (f"{entry.namespace}:" if entry.namespace else "")
            )
        elif isinstance(entry, URLPattern):
            yield namespace + str(entry.name)


# KADER_BENCH_PAGES=1 (pytest.ini) puts the floor and layout pages in the URLconf.
PAGES = sorted({name for name in url_names(get_resolver()) if not name.startswith("admin:")})


def test_it_measures_every_page_of_the_url_list():
    # A page nobody measures is a page whose cost at the national tier nobody knows.
    missing = sorted(set(PAGES) - covered_names() - set(NOT_PAGES))
    assert not missing, f"URL names the bench does not measure (bench/pages.py): {missing}"


def test_its_names_are_urls_that_exist():
    # A renamed or removed URL must leave the bench's lists too.
    assert not sorted(covered_names() - set(PAGES)), "the bench names a URL that is gone"
    assert not sorted(set(NOT_PAGES) - set(PAGES)), "NOT_PAGES names a URL that is gone"


def test_it_neither_measures_nor_excuses_the_same_url():
    assert not sorted(covered_names() & set(NOT_PAGES))


def test_every_excused_url_says_why():
    assert all(reason.strip() for reason in NOT_PAGES.values())


def test_every_page_reverses_as_declared():
    # The bench reverses each entry with its object's id (or token) as `param`: a wrong
    # URL argument would otherwise surface only in a national run.
    for page in (*REFERENCES, *COORDINATOR, *MENTOR_PAGES):
        value = {"token": "a-token"}.get(page.param, 1)
        kwargs = {**page.kwargs, page.param: value} if page.obj else page.kwargs
        if page.obj in ("province_filter", "province_query", "middle", "session_post"):
            kwargs = page.kwargs  # these objects give a query string or form data
        try:
            reverse(page.url, kwargs=kwargs)
        except NoReverseMatch as error:
            raise AssertionError(f"{page.name}: {error}") from None


def test_every_coordinator_page_is_also_measured_for_a_district():
    plan = planned()
    references = [page.name for page in REFERENCES]
    national = [page.name for persona, page in plan if persona == NATIONAL]
    district = [page.name for persona, page in plan if persona == DISTRICT]
    assert national == references + [page.name for page in COORDINATOR]
    assert district == [page.name for page in COORDINATOR]


@pytest.mark.django_db
def test_it_measures_every_task_the_beat_schedule_runs():
    # The schedule lives in the database (django_celery_beat), written by migrations: a new
    # periodic task that bench/jobs.py does not measure fails here.
    from django_celery_beat.models import PeriodicTask

    from bench.jobs import BEAT_TASKS, JOBS

    scheduled = set(PeriodicTask.objects.exclude(task="").values_list("task", flat=True))
    assert scheduled, "the migrations schedule no task: is django_celery_beat migrated?"
    assert scheduled == set(BEAT_TASKS), "bench/jobs.py BEAT_TASKS differs from the schedule"
    assert all(job in JOBS for jobs in BEAT_TASKS.values() for job in jobs)
