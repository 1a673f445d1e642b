from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kader import health
from kader.roles import MENTOR, role_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role == MENTOR:
        # A mentor's day starts with their mentees, not a welcome page.
        return redirect("programs:mentor_home")
    return render(request, "kader/home.html", {"role": role})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = {name: check() for name, check in health.CHECKS.items()}
    down = sorted(name for name, (ok, _detail) in results.items() if not ok)
    body = {
        "status": "ok" if not down else "down",
        "down": down,
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()},
    }
    return JsonResponse(body, status=503 if down else 200)
