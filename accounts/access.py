"""The one access decorator: log in first, then a page you may not use does not exist.

Without the permission a page answers 404 like a missing one — for a page about one object
and for a list or a "new" form alike — so a mentor cannot tell a coordinator's page from a
missing one (README, "What each role does"; never 403). Which objects a permitted user sees
is each model's `visible_to(user)`; a foreign object is then a 404 from get_object_or_404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


def perm_or_404(perm: str) -> Callable:
    """Decorate a view: an anonymous visitor goes to the login page, a user without `perm`
    gets a 404."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
