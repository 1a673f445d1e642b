"""The benchmark's floor: the cheapest page a logged-in user can get.

It goes through every middleware (sessions, auth, CSRF, locale…) and renders a trivial
template, so `bench/run.py` can report each real page as a multiple of it. Harmless to
keep: it shows nothing but a sentence.

`layout` is a second reference: the same sentence inside the app's layout (`base.html`:
navigation, language switch, footer), which every real page pays before its own content.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "devtools/bench_floor.html")


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    return render(request, "devtools/bench_layout.html")
