import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kader import dashboard, health
from kader.roles import MENTOR, role_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role == MENTOR:
        # A mentor's day starts with their mentees, not a welcome page.
        return redirect("programs:mentor_home")
    if not request.user.has_perm("kader.view_programme"):
        return render(request, "kader/home.html", {"role": role})
    return _dashboard(request, role)


def _dashboard(request: HttpRequest, role: str) -> HttpResponse:
    """The coordinator's home: the whole programme at a glance, filtered by the query."""
    form = dashboard.DashboardFilterForm(request.GET or None, user=request.user)
    scope = dashboard.Scope.from_form(form, request.user, timezone.localdate())
    # Figures nobody has computed are built by a worker unless the settings say otherwise.
    data = dashboard.cached_build(scope, wait=settings.KADER_DASHBOARD_COLD_IN_REQUEST)
    context = {
        "role": role,
        "form": form,
        "scope": scope,
        "computing": data is None,  # the page fetches itself again until they are in
        "cache_minutes": dashboard.FRESH_SECONDS // 60,
    }
    if data is not None:
        context |= data
        # Built only when the figures' HTML is not already kept (see the template's cache).
        context["charts"] = SimpleLazyObject(lambda: dashboard.charts(data))
        context["figures_key"] = dashboard.cache_key(scope)
        context["body_seconds"] = dashboard.KEEP_SECONDS
    return render(request, "kader/dashboard.html", context)


@login_required
@require_POST
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    """Compute the figures for the filters in the query again, then show them."""
    if not request.user.has_perm("kader.view_programme"):
        raise Http404
    form = dashboard.DashboardFilterForm(request.GET or None, user=request.user)
    dashboard.cached_build(
        dashboard.Scope.from_form(form, request.user, timezone.localdate()), refresh=True
    )
    query = request.GET.urlencode()
    return redirect(reverse("home") + (f"?{query}" if query else ""))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"} or 503 {"status": "down"}; which component is down and what
    runs it only for staff or a caller with the HEALTHZ_TOKEN (kader.health.may_see_detail).
    """
    results = {name: check() for name, check in health.CHECKS.items()}
    down = sorted(name for name, (ok, _detail) in results.items() if not ok)
    body = {"status": "ok" if not down else "down"}
    if health.may_see_detail(request):
        body["down"] = down
        body["checks"] = {
            name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()
        }
    return JsonResponse(body, status=503 if down else 200)


DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: "try again in a few seconds" (503) while the database is unreachable.

    A restart of PostgreSQL or a failover makes every request fail for a few seconds, then
    the connections come back by themselves (CONN_HEALTH_CHECKS); that is no bug to report
    but a moment to wait. Django calls this inside its exception handler, so the exception
    is at hand. The page uses no context processors: `request.user` needs the database.
    """
    if not isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return defaults.server_error(request)
    body = loader.render_to_string("503.html", {"path": request.get_full_path()})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
