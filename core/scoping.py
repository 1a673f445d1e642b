"""A guard that makes a forgotten `visible_to(user)` fail loudly, as django-scopes does.

Models whose rows belong to someone use `GuardedQuerySet`. While a request is being
answered (the middleware below turns the guard on, in development and tests), a query on
such a model raises `ScopeError` unless it came through the model's `visible_to(user)`
(which marks it `scoped()`), or reached the rows through an object already fetched
(`cadre.enrolments.all()`, prefetching), or says on purpose that it needs every row
(`unscoped()`, e.g. a uniqueness check). Background jobs and commands run unguarded: they
act for the system, and say for whom when they act for a person.

Why not django-scopes itself: it filters on one field per scope dimension; Kader's scope is a
set of (organisation, unit subtree) pairs and, for mentors, their own mentees, which each
model's `visible_to` already expresses. The guard keeps django-scopes' promise (an unscoped
query cannot leak silently) without a second way of filtering.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import models

# The request being guarded (True: a block guarded by `guarding()`), or None.
_guarding: ContextVar = ContextVar("kader_scope_guard", default=None)


class ScopeError(RuntimeError):
    """A query on rows that belong to someone, made without saying for whom."""


class GuardedQuerySet(models.QuerySet):
    _kader_scoped = False

    def _clone(self):
        clone = super()._clone()  # type: ignore[misc]  # Django's private hook
        clone._kader_scoped = self._kader_scoped
        return clone

    def scoped(self):
        """Mark rows already filtered for a person (called by `visible_to`)."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._kader_scoped = True
        return clone

    # Named apart so that a search finds every deliberate exception.
    unscoped = scoped

    def _guard(self) -> None:
        guarded = _guarding.get()
        if self._kader_scoped or not guarded or "instance" in self._hints:  # type: ignore[attr-defined]
            return
        user = getattr(guarded, "user", None)
        if user is not None and user.is_superuser:  # sees everything by design
            return
        raise ScopeError(
            f"{self.model.__name__} queried during a request without visible_to(user): "
            "get it through visible_to, or say unscoped() if every row is meant."
        )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()

    def count(self) -> int:
        if self._result_cache is None:
            self._guard()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._guard()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._guard()
        return super().aggregate(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        self._guard()
        return super().iterator(*args, **kwargs)

    def update(self, **kwargs) -> int:
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()


class guarding:
    """Turn the guard on for the block (for `request`, or True), or off with `False`."""

    def __init__(self, on=True) -> None:
        self.on = on or None

    def __enter__(self) -> None:
        self.token = _guarding.set(self.on)

    def __exit__(self, *exc) -> None:
        _guarding.reset(self.token)


def unguarded() -> guarding:
    return guarding(False)


class ScopeGuardMiddleware:
    """Guard every request in development and tests (`KADER_SCOPE_GUARD`); a superuser's
    queries pass (checked when one is made, so no page loads its user for the guard)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not settings.KADER_SCOPE_GUARD:
            return self.get_response(request)
        with guarding(request):
            return self.get_response(request)


class GuardedModel(models.Model):
    """A model whose rows belong to someone: its uniqueness checks look at every row (a
    name or an e-mail is unique on the whole platform, not within one office), so they run
    unguarded. Their answer says only "taken", never whose."""

    class Meta:
        abstract = True

    def _perform_unique_checks(self, unique_checks):
        with unguarded():
            return super()._perform_unique_checks(unique_checks)  # type: ignore[misc]

    def validate_constraints(self, exclude=None) -> None:
        with unguarded():
            super().validate_constraints(exclude)
