"""Small helpers shared by the programs views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

PER_PAGE = 25


def paginate(request: HttpRequest, queryset, per_page: int = PER_PAGE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def perm_or_404(perm: str) -> Callable:
    """Without the permission the page does not exist (404), for a page about one object
    and for a list or a "new" form alike: a mentor cannot tell a coordinator's page from a
    missing one (README, "What each role does")."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def querystring_without(request: HttpRequest, *names: str) -> str:
    """The current filters, for pagination links."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
