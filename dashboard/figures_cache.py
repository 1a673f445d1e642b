"""The dashboard's figures, kept: one entry per filter and per scope (`cache_key`).

At national scale the aggregates take seconds, so `cached_build` keeps the figures: fresh for
five minutes, then shown while a worker computes them again (stale-while-revalidate); beat
keeps the shared unfiltered entries warm (`warm`). The page says when they were computed and
offers a refresh.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import pickle
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise

from accounts.roles import COORDINATOR, User, role_of
from dashboard import figures
from dashboard.figures import Scope
from jurisdictions.scope import scope_of

logger = logging.getLogger(__name__)
# Figures are fresh for FRESH_SECONDS; older ones are still shown (with their time) while a
# worker computes new ones, up to KEEP_SECONDS, after which a visitor computes them inline.
FRESH_SECONDS = 5 * 60
KEEP_SECONDS = 30 * 60
# Longer than a cold build at national scale (11–18 s); released as soon as one is done.
LOCK_SECONDS = 2 * 60
# Beat warms the shared entries every WARM_MINUTES (migration 0004): an entry skipped as
# too young is recomputed at the next run, still inside FRESH_SECONDS with time to build.
WARM_MINUTES = 4
WARM_SKIP_YOUNGER = dt.timedelta(seconds=30)
AUDIENCES = ("admin", COORDINATOR)
# Beat warms the unfiltered dashboards of at most this many scopes, those of the latest
# logins first; any other is computed when someone opens it (and kept for everyone who
# shares that scope).
WARM_SCOPES_MAX = 40
# One warm-up run's time (the beat task's budget is a minute); the scopes it leaves are
# the freshest and come first next time.
WARM_SECONDS = 45
# A refresh within this long of the last computation reuses it (a double click, or a
# queue of people pressing it, must not run the national aggregates again and again).
REFRESH_AFTER = dt.timedelta(seconds=60)


def audience(user: User) -> str:
    """Whose figures these are: coordinators and admins see what their scope holds
    (jurisdictions.scope), so everyone with the same offices shares one entry and a
    district's coordinator never reads the nation's, or a sibling district's, figures;
    anyone else who reaches the dashboard has their own."""
    if role_of(user) in AUDIENCES:
        return f"scope-{scope_of(user).key}"
    return f"user-{user.pk}"


def cache_key(scope: Scope) -> str:
    """One entry per audience, filter and day, in no language: labels stay lazy (choices,
    `format_lazy`) and are translated when the page is rendered."""
    parts = [audience(scope.user), scope.today.isoformat(), scope.months]
    parts += [scope.formality, scope.basis, scope.program_id or "", scope.province_id or ""]
    return "dashboard:v4:" + ":".join(str(part) for part in parts)


class _Text(Promise):
    """A translatable label in the kept figures: Django's lazy string, minus its unpickling.

    A lazy string pickles as "call `lazy()` again", which builds a new proxy class each time:
    with about 35 labels that was 5–8 ms of every dashboard request at national scale, more
    than the rest of the view (issue 7). This one is rebuilt by a plain constructor and
    still becomes text only when rendered, in the reader's language. Being a `Promise`,
    escaping, `json_script` and `format_lazy` treat it as Django's own."""

    __slots__ = ("_args", "_func", "_kwargs")

    def __init__(self, func, args: tuple, kwargs: dict) -> None:
        self._func, self._args, self._kwargs = func, args, kwargs

    def __str__(self) -> str:
        return str(self._func(*self._args, **self._kwargs))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other) if isinstance(other, str | Promise) else NotImplemented

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __bool__(self) -> bool:
        return bool(str(self))

    def __add__(self, other: str) -> str:
        return str(self) + str(other)

    def __radd__(self, other: str) -> str:
        return str(other) + str(self)

    def __mod__(self, other) -> str:
        return str(self) % other

    def __repr__(self) -> str:
        return f"<_Text {self._args!r}>"

    def __reduce__(self):
        return (_Text, (self._func, self._args, self._kwargs))


class _FiguresPickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Promise) and not isinstance(obj, _Text):
            _rebuild, (func, args, kwargs, *result_classes) = obj.__reduce__()
            if result_classes == [str]:
                return (_Text, (func, args, kwargs))
        return NotImplemented


def _encode(data: dict) -> bytes:
    buffer = io.BytesIO()
    _FiguresPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(data)
    return buffer.getvalue()


def kept(scope: Scope) -> dict | None:
    """The kept figures of `scope` (with `as_of`), or None."""
    raw = cache.get(cache_key(scope))
    return pickle.loads(raw) if raw is not None else None  # noqa: S301 (our own cache entry)


def _lock_key(scope: Scope) -> str:
    return cache_key(scope) + ":computing"


def _compute(scope: Scope) -> dict:
    data = {**figures.build(scope), "as_of": timezone.now()}
    cache.set(cache_key(scope), _encode(data), KEEP_SECONDS)
    return data


def recompute(scope: Scope, *, locked: bool = False) -> dict | None:
    """Compute and keep the figures, unless someone else is computing them (then None).

    `locked`: the caller already holds the lock (the task queued by `cached_build`)."""
    if not locked and not cache.add(_lock_key(scope), True, LOCK_SECONDS):
        return None
    try:
        return _compute(scope)
    finally:
        cache.delete(_lock_key(scope))


def _queue_recompute(scope: Scope) -> bool:
    """One background recompute per entry however many requests find it stale: the first
    takes the lock (`cache.add` is atomic), the task releases it when the figures are in.
    Should the task be lost, the lock expires and a later request queues another.

    False when the broker could not take the task (nothing is computing the figures)."""
    if not cache.add(_lock_key(scope), True, LOCK_SECONDS):
        return True
    from dashboard.tasks import recompute_dashboard  # the tasks module imports this one

    try:
        recompute_dashboard.delay(**scope.task_arguments())
    except Exception:  # a broker outage must not turn the page into an error
        logger.exception("Could not queue the dashboard's recompute")
        cache.delete(_lock_key(scope))
        return False
    return True


def cached_build(scope: Scope, *, refresh: bool = False, wait: bool = True) -> dict | None:
    """`build(scope)` with `as_of`: kept figures when there are any, stale or not.

    Figures older than FRESH_SECONDS are still shown (with their time), and a recompute is
    queued for the worker. A request that finds nothing kept (filters nobody has opened, a
    fresh deployment) computes them itself, ≈ 8 s at national scale; with `wait=False` it
    queues the build instead and gets None (the page says the figures are on their way and
    fetches itself again), unless the broker refuses the task. The refresh button's
    presser asked to wait for new figures."""
    data = kept(scope)
    if data is None:
        if wait or not _queue_recompute(scope):
            return _compute(scope)
        return kept(scope)  # a worker that answers at once (eager tasks) kept them already
    age = timezone.now() - data["as_of"]
    if refresh and age >= REFRESH_AFTER:
        return _compute(scope)
    if age >= dt.timedelta(seconds=FRESH_SECONDS):
        _queue_recompute(scope)
    return data


def warm_scopes(today: dt.date) -> list[Scope]:
    """The unfiltered dashboard of each scope that coordinators and admins hold, one per
    scope, the latest logins first, at most WARM_SCOPES_MAX."""
    people = (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(groups__name=COORDINATOR), is_active=True)
        .distinct()
        .order_by(F("last_login").desc(nulls_last=True), "pk")
    )
    found: dict[str, Scope] = {}
    # A few people per scope are looked at before WARM_SCOPES_MAX scopes are found.
    for user in people[: WARM_SCOPES_MAX * 5]:
        found.setdefault(audience(user), Scope(user=user, today=today))
        if len(found) >= WARM_SCOPES_MAX:
            break
    return list(found.values())


def warm(seconds: float | None = None) -> int:
    """Recompute the shared unfiltered entries before they go stale (beat, every few
    minutes), so nobody who opens the dashboard waits for a cold build; an entry computed
    a moment ago (by a refresh or a queued recompute) is left alone.

    The coldest first (none kept, then the oldest), and no longer than `WARM_SECONDS`: a run
    stops before a scope that would likely end past it (one as long as the last), and the
    scopes left, the freshest, come first at the next run. At national scale 40 scopes took
    44–76 s; an entry older than FRESH_SECONDS is still shown, with its time, while a worker
    recomputes it.
    """
    seconds = WARM_SECONDS if seconds is None else seconds
    now = timezone.now()
    entries = [(scope, kept(scope)) for scope in warm_scopes(timezone.localdate())]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda entry: entry[1]["as_of"] if entry[1] else oldest)
    deadline, last, computed = time.monotonic() + seconds, 0.0, 0
    for scope, data in entries:
        if data and now - data["as_of"] < WARM_SKIP_YOUNGER:
            continue
        started = time.monotonic()
        if computed and started + last > deadline:
            break
        computed += recompute(scope) is not None
        last = time.monotonic() - started
    return computed
