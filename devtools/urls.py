"""The benchmark's reference pages, mounted by kader/urls.py only with KADER_BENCH_PAGES."""

from django.urls import path

from devtools import bench

urlpatterns = [
    path("bench/floor", bench.floor, name="bench_floor"),
    path("bench/layout", bench.layout, name="bench_layout"),
]
