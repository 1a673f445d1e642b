"""Lookups for the filters' autocompletes (core/autocomplete.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from accounts.roles import is_mentor
from core.autocomplete import lookup_response
from programs.models import Program


@login_required
@require_GET
def program_lookup(request: HttpRequest) -> JsonResponse:
    """Programs for the cadre and session filters; a mentor gets their own programs."""
    if not (request.user.has_perm("programs.view_program") or is_mentor(request.user)):
        raise Http404
    programs = Program.objects.visible_to(request.user).order_by("name", "pk")
    return lookup_response(request, programs.only("pk", "name"), ["name"])
