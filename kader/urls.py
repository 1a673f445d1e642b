"""The site's URLs: each app's pages under its prefix, the login pages, admin and health."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import login_expiry, mobile, two_factor
from accounts.logout import LogoutView
from accounts.password_reset import RateLimitedPasswordResetView
from accounts.security import AdminLoginForm, LoginForm
from dashboard import views as dashboard_views
from kader import views

# While the database is unreachable: 503 "try again", not 500 (kader.views.server_error).
handler500 = "kader.views.server_error"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    # Before Django's own: the reset page, limited per address and per client.
    path(
        "accounts/password_reset/",
        RateLimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    # Before Django's own: logging out clears what the phone kept offline.
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("account/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("account/keep-alive/", login_expiry.keep_alive, name="keep_alive"),
    path("account/mobile/", mobile.mobile_settings, name="mobile_settings"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("evaluations/", include("evaluations.urls")),
    path("partners/", include("partners.urls")),
    path("programs/", include("programs.urls")),
    path("offices/", include("jurisdictions.urls")),
    path("", include("dashboard.urls")),
]

if settings.KADER_BENCH_PAGES:
    # The benchmark's reference pages: for a development machine and the bench harness
    # (bench/run.py sets KADER_BENCH_PAGES=1), never mounted in production.
    urlpatterns += [path("", include("devtools.urls"))]
