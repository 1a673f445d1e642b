"""Password reset, rate-limited per e-mail address and per client (issue 15).

Django's reset page sends a mail on every post: anyone could flood a colleague's inbox, or
mail every address they can guess. Here each post counts against the address typed (its
hash, not the address itself, is the cache key) and against the client's address
(accounts.security.client_ip, so behind a proxy one client is not everyone). Past either
limit within PASSWORD_RESET_LIMIT_SECONDS nothing is sent and the form says so, with the
same words whether or not an account has that address, so the answer leaks nothing.
The counters live in the cache (Redis): while it is unreachable resets are not limited.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.security import client_address

log = logging.getLogger("accounts.security")

LIMITED = _(
    "Too many password reset requests for this address or from your connection. "
    "Wait an hour and try again; a link already sent still works."
)


def _count(key: str) -> int:
    """This request's number within the window for `key`; 0 while the cache is away."""
    window = settings.PASSWORD_RESET_LIMIT_SECONDS
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first again
        cache.set(key, 1, timeout=window)
        return 1
    except Exception as error:  # Redis unreachable: do not refuse resets because of it
        log.warning("password reset limit not counted: %s", error)
        return 0


def over_limit(email: str, client: str) -> bool:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_address = _count(f"password-reset:address:{digest}")
    by_client = _count(f"password-reset:client:{client}")
    return (
        by_address > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        or by_client > settings.PASSWORD_RESET_LIMIT_PER_CLIENT
    )


class RateLimitedPasswordResetView(PasswordResetView):
    def form_valid(self, form) -> HttpResponse:
        client = client_address(self.request)
        if over_limit(form.cleaned_data["email"], client):
            log.warning("password reset limited ip=%s", client)
            form.add_error("email", LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
