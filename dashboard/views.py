from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from accounts.access import perm_or_404
from accounts.roles import MENTOR, role_of
from dashboard import charts, figures, figures_cache, forms


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role == MENTOR:
        # A mentor's day starts with their mentees, not a welcome page.
        return redirect("programs:mentor_home")
    if not request.user.has_perm("accounts.view_programme"):
        return render(request, "dashboard/home.html", {"role": role})
    return _dashboard(request, role)


def _dashboard(request: HttpRequest, role: str) -> HttpResponse:
    """The coordinator's home: the whole programme at a glance, filtered by the query."""
    form = forms.DashboardFilterForm(request.GET or None, user=request.user)
    scope = figures.Scope.from_form(form, request.user, timezone.localdate())
    # Figures nobody has computed are built by a worker unless the settings say otherwise.
    data = figures_cache.cached_build(scope, wait=settings.KADER_DASHBOARD_COLD_IN_REQUEST)
    context = {
        "role": role,
        "form": form,
        "scope": scope,
        "computing": data is None,  # the page fetches itself again until they are in
        "cache_minutes": figures_cache.FRESH_SECONDS // 60,
    }
    if data is not None:
        context |= data
        # Built only when the figures' HTML is not already kept (see the template's cache).
        context["charts"] = SimpleLazyObject(lambda: charts.charts(data))
        context["figures_key"] = figures_cache.cache_key(scope)
        context["body_seconds"] = figures_cache.KEEP_SECONDS
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_POST
@perm_or_404("accounts.view_programme")
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    """Compute the figures for the filters in the query again, then show them."""
    form = forms.DashboardFilterForm(request.GET or None, user=request.user)
    figures_cache.cached_build(
        figures.Scope.from_form(form, request.user, timezone.localdate()), refresh=True
    )
    query = request.GET.urlencode()
    return redirect(reverse("home") + (f"?{query}" if query else ""))
