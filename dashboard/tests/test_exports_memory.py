"""A streamed export's memory stays flat: ten times the rows, about the same peak."""

import gc
import os
import tracemalloc

import pytest
from django.test import RequestFactory

from dashboard import exports
from programs.models import Cadre

pytestmark = pytest.mark.django_db
SMALL, LARGE = 400, 4000


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    # Chunks far below both sizes, so that both runs hold the same number of rows at once.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 100)


def cadres(n: int) -> None:
    have = Cadre.objects.count()
    Cadre.objects.bulk_create(
        Cadre(full_name=f"Kader Uji {i}", email=f"kader{i}@uji.example", occupation="Guru" * 10)
        for i in range(have, n)
    )


def peak_while_exporting(user, fmt: str) -> int:
    request = RequestFactory().get(f"/exports/cadres.{fmt}")
    request.user = user
    # What earlier tests left for the collector is not the export's memory.
    gc.collect()
    tracemalloc.start()
    response = exports.export_response(exports.LISTS["cadres"], request, fmt)
    size = sum(len(chunk) for chunk in response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert size > 0
    return peak


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_ten_times_the_rows_in_about_the_same_memory(coordinator, fmt):
    cadres(SMALL)
    peak_while_exporting(coordinator, fmt)  # first use: imports, translations, caches
    small = peak_while_exporting(coordinator, fmt)
    cadres(LARGE)
    large = peak_while_exporting(coordinator, fmt)
    # Loading every row would make the peak grow about tenfold.
    assert large < small * 2, (small, large)


def peak_while_building(user, tmp_path, settings) -> tuple[int, float, int]:
    """The worker's path, in this process: the peak traced memory, the seconds, the rows."""
    import time

    from dashboard import export_jobs
    from dashboard.models import Export

    settings.MEDIA_ROOT = tmp_path
    export = export_jobs.export_create(user=user, list_name="cadres", query="", language="en")
    gc.collect()
    tracemalloc.start()
    started = time.monotonic()
    export_jobs.export_build(export_id=export.pk)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    return peak, seconds, export.rows_written


def test_the_background_writer_keeps_memory_flat(coordinator, tmp_path, settings):
    cadres(SMALL)
    peak_while_building(coordinator, tmp_path, settings)  # first use
    small, _, rows = peak_while_building(coordinator, tmp_path, settings)
    assert rows == SMALL
    cadres(LARGE)
    large, _, rows = peak_while_building(coordinator, tmp_path, settings)
    assert rows == LARGE
    assert large < small * 2, (small, large)


@pytest.mark.skipif(
    not os.environ.get("KADER_MEASURE_EXPORT_ROWS"),
    reason="a measurement for docs/performance.md: set KADER_MEASURE_EXPORT_ROWS=100000",
)
def test_measure_a_big_background_export(coordinator, tmp_path, settings, monkeypatch):
    """`KADER_MEASURE_EXPORT_ROWS=100000 pytest -s -k measure_a_big`: the worker's path with
    the production chunk size, timed untraced, then again under tracemalloc for the peak of
    Python allocations (tracemalloc slows it several times over)."""
    import resource
    import time

    from dashboard import export_jobs

    monkeypatch.setattr(exports, "CHUNK_SIZE", 2000)
    settings.MEDIA_ROOT = tmp_path
    wanted = int(os.environ["KADER_MEASURE_EXPORT_ROWS"])
    for step in range(0, wanted, 5000):  # a little at a time: the rows' own memory is not
        cadres(min(step + 5000, wanted))  # the export's
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    export = export_jobs.export_create(
        user=coordinator, list_name="cadres", query="", language="en"
    )
    started = time.monotonic()
    export_jobs.export_build(export_id=export.pk)
    seconds = time.monotonic() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    export.refresh_from_db()
    assert export.rows_written == wanted, export.error
    size = export.file.size
    peak, _, _ = peak_while_building(coordinator, tmp_path, settings)
    print(
        f"\nXLSX export of {wanted} rows: {seconds:.1f} s untraced, file {size / 2**20:.1f} MiB; "
        f"max RSS {rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after; "
        f"traced peak of Python allocations {peak / 2**20:.1f} MiB"
    )
    assert peak < 100 * 2**20
