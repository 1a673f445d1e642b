import hashlib
import json
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language, gettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kader import health

THEME_COLOUR = "#198754"  # Kader's green (static/favicon.svg, Bootstrap's "success")


@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Kader installs on a phone's home screen as an app of its own
    (issue 19). Public: a browser fetches it without the login's cookie."""
    icons = [
        {"src": static("icons/app-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/app-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/app-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    manifest = {
        "name": "Kader",
        "short_name": "Kader",
        "description": gettext("Kader — cadre partnership management"),
        "lang": get_language(),
        "id": "/",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


# What a mentor's pages load (templates/base.html, core/_offline.html): kept by the
# service worker on install, so those pages open without a connection.
SHELL_FILES = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "icons/icons.css",
    "icons/icons.woff2",
    "css/kader.css",
    "favicon.svg",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "js/autocomplete.js",
    "js/login_expiry.js",
    "js/offline_store.js",
    "js/offline.js",
]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker of the mentor's offline pages (issue 19), at the site's root so
    that its scope is the whole site. Never cached by the browser: the static files it
    lists have hashed names, so a new deployment is a new script (and a new version)."""
    shell = [static(name) for name in SHELL_FILES]
    context = {
        "version": hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12],
        "shell": json.dumps(shell),
        "store": static("js/offline_store.js"),
        "static_url": settings.STATIC_URL,
        "mentor_home": reverse("programs:mentor_home"),
    }
    body = loader.render_to_string("kader/sw.js", context)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


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
