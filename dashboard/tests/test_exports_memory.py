"""A streamed export's memory stays flat: ten times the rows, about the same peak."""

import gc
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
