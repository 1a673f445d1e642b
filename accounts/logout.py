"""Logging out leaves nothing of the person on the phone (issue 19).

A mentor's phone keeps their pages and unsent drafts for offline use (static/js/offline.js,
the service worker at /sw.js). Logging out answers with `Clear-Site-Data`, so the browser
drops the caches and storage (IndexedDB, the service worker) itself; the logged-out page's
script does the same for a browser that ignores the header.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

# Not "cookies": the language chosen and the last user's id (accounts.login_expiry) stay.
CLEAR_SITE_DATA = '"cache", "storage"'


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
