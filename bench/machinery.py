"""Does each piece of performance machinery earn its place? ON and OFF, interleaved.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/machinery.py [piece …]

Against a seeded tier (`manage.py seed_scale`), in one process, with DEBUG off: for each
piece, each page it affects is requested through Django's test client in rounds; in every
round the page is measured once in each state (ON, OFF, …), in an order that rotates from
round to round, each time as MACHINERY_REQUESTS requests after one untimed warm-up. The
switch is a monkeypatch made here; the code under test is not changed.

Printed per page and state: the median of the blocks' medians, their range (the run's
noise), the response size; then the gain, OFF − ON, as the median of the rounds' paired
differences with their range, in wall time and in this process's CPU time (which the other
processes sharing the machine disturb far less; it leaves out the database's time). A gain
is called clear when every round agrees on its sign and it is larger than the spread of
the ON blocks' medians (`verdict`). `--json FILE` writes every block's figures (raw
results are not kept in git); `--report FILE` prints them again. Reads only, except the
cache entries it writes itself. MACHINERY_ROUNDS (8), MACHINERY_REQUESTS (20; admin pages
MACHINERY_ADMIN_REQUESTS, 3).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kader.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("KADER_REQUIRE_2FA", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.pop("DEBUG", None)

import django

django.setup()

from django.conf import settings  # noqa: E402

# DEBUG off without collectstatic: plain static URLs (no manifest) are fine for timing.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django import forms  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache, caches  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from evaluations.models import Evaluation  # noqa: E402
from programs.models import Cadre, Program  # noqa: E402

ROUNDS = int(os.environ.get("MACHINERY_ROUNDS", "8"))
REQUESTS = int(os.environ.get("MACHINERY_REQUESTS", "20"))
ADMIN_REQUESTS = int(os.environ.get("MACHINERY_ADMIN_REQUESTS", "3"))
ADMIN, COORDINATOR, MENTOR = "scale-admin", "scale-coordinator", "scale-mentor1"


class Patches:
    """Attributes set for one state and put back afterwards."""

    def __init__(self) -> None:
        self._undo: list[tuple[object, str, object]] = []

    def set(self, obj: object, name: str, value: object) -> None:
        self._undo.append((obj, name, obj.__dict__.get(name, _ABSENT)))
        setattr(obj, name, value)

    def undo(self) -> None:
        for obj, name, value in reversed(self._undo):
            if value is _ABSENT:
                delattr(obj, name)
            else:
                setattr(obj, name, value)
        self._undo.clear()


_ABSENT = object()


@dataclass
class Piece:
    name: str
    pages: Callable[[], list[tuple[str, str, str]]]  # (label, username, path)
    # state name -> function(patches) that switches the state on; "on" is the code as is.
    states: dict[str, Callable[[Patches], None]]
    requests: int = REQUESTS
    before_request: dict[str, Callable[[], None]] = field(default_factory=dict)
    notes: Callable[[], dict] | None = None


# --- Rendered-row caching ({% cacherows %}, core/fragments.py) ----------------------------


def _rows_off(patches: Patches) -> None:
    from core.templatetags.kader_fragments import RowsNode

    patches.set(RowsNode, "render", lambda self, context: self.nodelist.render(context))


def _forget_fragments() -> None:
    caches["template_fragments"].clear()


def _fragment_sizes() -> dict:
    """What the list pages keep: each page requested once into an empty cache."""
    _forget_fragments()
    for _label, username, path in _list_pages():
        CLIENTS[username].get(path)
    kept = caches["template_fragments"]._cache
    sizes = [len(value) for value in kept.values()]
    return {
        "fragments kept": len(sizes),
        "bytes kept": sum(sizes),
        "largest": max(sizes, default=0),
        "median": statistics.median(sizes) if sizes else 0,
    }


def _list_pages() -> list[tuple[str, str, str]]:
    program = Program.objects.filter(status="running").order_by("pk").first()
    return [
        ("partner list", COORDINATOR, "/partners/"),
        ("agreement list", COORDINATOR, "/partners/agreements/"),
        ("evaluation list", COORDINATOR, "/evaluations/"),
        ("program page", COORDINATOR, f"/programs/{program.pk}/"),
    ]


# --- The dashboard's pickling (_Text, _FiguresPickler, _encode: dashboard/figures_cache.py) --

FIGURES: dict = {}


def _figures():
    """The figures' cache module, the coordinator's unfiltered scope and figures, built once
    (≈ 8 s at national), their labels lazy."""
    from dashboard import figures, figures_cache

    if not FIGURES:
        coordinator = get_user_model().objects.get(username=COORDINATOR)
        scope = figures.Scope(user=coordinator, today=timezone.localdate())
        started = time.perf_counter()
        FIGURES["scope"] = scope
        FIGURES["data"] = figures.build(scope)
        FIGURES["build_s"] = round(time.perf_counter() - started, 1)
    return figures_cache, FIGURES["scope"], FIGURES["data"]


def _keep_figures(encode: Callable[[dict], object]) -> None:
    store, scope, data = _figures()
    # A fresh "as of" each time, so that the figures are never stale (no recompute queued);
    # the figures' HTML is rendered again by the untimed warm-up request.
    cache.set(store.cache_key(scope), encode({**data, "as_of": timezone.now()}), 3600)


def _pickling_on(patches: Patches) -> None:
    store, _scope, _data = _figures()
    _keep_figures(store._encode)


def _pickling_off(patches: Patches) -> None:
    """Plain pickling: the cache pickles the figures itself, lazy labels and all."""
    store, _scope, _data = _figures()
    patches.set(store, "kept", lambda scope: cache.get(store.cache_key(scope)))
    _keep_figures(lambda data: data)


def _count_lazy(value) -> int:
    from django.utils.functional import Promise

    if isinstance(value, Promise):
        return 1
    if isinstance(value, dict):
        return sum(_count_lazy(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_count_lazy(v) for v in value)
    return 0


def _pickling_notes() -> dict:
    store, _scope, data = _figures()
    data = {**data, "as_of": timezone.now()}
    ours = store._encode(data)
    plain = pickle.dumps(data, pickle.HIGHEST_PROTOCOL)

    def loads_ms(raw: bytes) -> float:
        runs = []
        for _ in range(200):
            started = time.perf_counter()
            pickle.loads(raw)  # noqa: S301 (our own bytes)
            runs.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(runs), 3)

    return {
        "figures built in s": FIGURES["build_s"],
        "entry bytes, _encode": len(ours),
        "entry bytes, plain pickle": len(plain),
        "loads ms, _encode (median of 200)": loads_ms(ours),
        "loads ms, plain pickle (median of 200)": loads_ms(plain),
        "lazy labels": _count_lazy(data),
    }


# --- Hand-rendered selects and form markup ------------------------------------------------


def _dashboard_select_off(patches: Patches) -> None:
    from dashboard.forms import DashboardFilterForm

    province = DashboardFilterForm.base_fields["province"]
    widget = forms.Select()
    widget.choices = province.widget.choices
    patches.set(province, "widget", widget)


def _switched_filter(name: str, off: Callable) -> None:
    """Put a switch in front of a registered template filter (templates keep the function
    they were compiled with, so the switch is installed before any is compiled)."""
    from core.templatetags import kader_forms

    ours = kader_forms.register.filters[name]

    def switched(value):
        return off(value) if getattr(SWITCHED, name) else ours(value)

    kader_forms.register.filters[name] = switched


SWITCHED = SimpleNamespace(bootstrap=False, bootstrap_field=False)


def _django_widget(field: forms.BoundField):
    from core.templatetags.kader_forms import _css

    return field.as_widget(attrs={"class": _css(field)})


def _crispy_field(field: forms.BoundField):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    return as_crispy_field(field)


def _switch(name: str) -> Callable[[Patches], None]:
    def state(patches: Patches) -> None:
        patches.set(SWITCHED, name, True)

    return state


def _filter_pages() -> list[tuple[str, str, str]]:
    province = Cadre.objects.order_by("pk").values_list("province_id", flat=True).first()
    return [
        ("partner list", COORDINATOR, "/partners/"),
        ("agreement list", COORDINATOR, "/partners/agreements/"),
        ("cadre filter", COORDINATOR, f"/programs/cadres/?province={province}&stage=participant"),
        ("session list", COORDINATOR, "/programs/sessions/"),
        ("evaluation list", COORDINATOR, "/evaluations/"),
    ]


def _evaluation_form() -> list[tuple[str, str, str]]:
    evaluation = (
        Evaluation.objects.filter(evaluator__username=MENTOR, status="scheduled")
        .order_by("pk")
        .first()
    )
    return [("evaluation form", MENTOR, f"/evaluations/{evaluation.pk}/fill/")]


# --- Django admin: the rewritten search and the estimated counts (core/admin_lists.py) -----


def _search_off(patches: Patches) -> None:
    from core.admin_lists import LargeTableAdmin

    patches.set(LargeTableAdmin, "get_search_results", admin.ModelAdmin.get_search_results)


def _counts_off(patches: Patches) -> None:
    from core.admin_lists import LargeTableAdmin

    patches.set(LargeTableAdmin, "paginator", Paginator)
    patches.set(LargeTableAdmin, "show_full_result_count", True)


def _search_pages() -> list[tuple[str, str, str]]:
    models = ["programs/cadre", "programs/enrolment", "programs/mentorship", "programs/session"]
    models += ["evaluations/evaluation"]
    return [
        (f"{model.split('/')[1]} ?q={q}", ADMIN, f"/admin/{model}/?q={q}")
        for model in models
        for q in ("Siti+Wati", "zzqx", "siti")
    ]


def _count_pages() -> list[tuple[str, str, str]]:
    return [
        ("session", ADMIN, "/admin/programs/session/"),
        ("session, online", ADMIN, "/admin/programs/session/?mode__exact=online"),
        ("cadre", ADMIN, "/admin/programs/cadre/"),
        ("enrolment", ADMIN, "/admin/programs/enrolment/"),
        ("evaluation", ADMIN, "/admin/evaluations/evaluation/"),
    ]


CLIENTS: dict[str, Client] = {}

PIECES = {
    "rows": Piece(
        "rendered-row caching ({% cacherows %})",
        _list_pages,
        {"on": lambda p: None, "off": _rows_off, "on, every request a miss": lambda p: None},
        before_request={"on, every request a miss": _forget_fragments},
        notes=_fragment_sizes,
    ),
    "pickling": Piece(
        "dashboard figures' pickling (_Text, _FiguresPickler)",
        lambda: [("dashboard", COORDINATOR, "/")],
        {"on": _pickling_on, "off": _pickling_off},
        notes=_pickling_notes,
    ),
    "plainselect": Piece(
        "dashboard's PlainSelect (province filter)",
        lambda: [("dashboard", COORDINATOR, "/")],
        {"on": _pickling_on, "off": lambda p: (_pickling_on(p), _dashboard_select_off(p))},
    ),
    "filterbars": Piece(
        "filter bars' hand-written widgets (|bootstrap)",
        _filter_pages,
        {"on": lambda p: None, "off": _switch("bootstrap")},
    ),
    "formfields": Piece(
        "evaluation form's hand-written fields (|bootstrap_field vs crispy)",
        _evaluation_form,
        {"on": lambda p: None, "off": _switch("bootstrap_field")},
    ),
    "search": Piece(
        "admin search (LargeTableAdmin.get_search_results)",
        _search_pages,
        {"on": lambda p: None, "off": _search_off},
        requests=ADMIN_REQUESTS,
    ),
    "counts": Piece(
        "admin counts (EstimatedCountPaginator, no full count)",
        _count_pages,
        {"on": lambda p: None, "off": _counts_off},
        requests=ADMIN_REQUESTS,
    ),
}


def _clients() -> dict[str, Client]:
    users = get_user_model().objects.filter(username__in=[ADMIN, COORDINATOR, MENTOR])
    clients = {}
    for user in users:
        client = Client()
        client.force_login(user)
        client.cookies["kader_language"] = "id"
        clients[user.username] = client
    return clients


def _get(client: Client, path: str) -> tuple[float, float, int, int]:
    """Wall time and this process's CPU time in ms (the latter leaves out the time spent
    waiting for PostgreSQL or Redis, and most of the time spent waiting for a core that
    another process holds), status, bytes."""
    cpu, started = time.process_time(), time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu) * 1000
    return elapsed, cpu, response.status_code, len(response.content)


def measure(piece: Piece, clients: dict[str, Client]) -> list[dict]:
    states = list(piece.states)
    results = []
    for label, username, path in piece.pages():
        blocks: dict[str, list[float]] = {state: [] for state in states}
        cpu_blocks: dict[str, list[float]] = {state: [] for state in states}
        sizes: dict[str, int] = {}
        for round_ in range(ROUNDS):
            shift = round_ % len(states)
            for state in states[shift:] + states[:shift]:
                patches = Patches()
                piece.states[state](patches)
                try:
                    before = piece.before_request.get(state, lambda: None)
                    before()
                    _elapsed, _cpu, status, size = _get(clients[username], path)  # warm-up
                    if status != 200:
                        raise RuntimeError(f"{path} ({state}): {status}")
                    sizes[state] = size
                    times, cpu = [], []
                    for _ in range(piece.requests):
                        before()
                        elapsed, used, _status, _size = _get(clients[username], path)
                        times.append(elapsed)
                        cpu.append(used)
                    blocks[state].append(statistics.median(times))
                    cpu_blocks[state].append(statistics.median(cpu))
                finally:
                    patches.undo()
                gc.collect()
        page = {"page": label, "path": path, "blocks": blocks, "cpu_blocks": cpu_blocks}
        results.append({**page, "bytes": sizes})
        report_page(label, blocks, sizes, cpu_blocks)
    return results


def _ms(value: float) -> str:
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


def verdict(blocks: dict[str, list[float]], state: str = "off") -> dict:
    """The gain of ON over `state`: the median of the rounds' paired differences. Clear when
    every round agrees on its sign (8 rounds: 1 chance in 128 by luck) and it is larger than
    the spread of the repeated ON blocks (max − min of their medians)."""
    on, off = blocks["on"], blocks[state]
    paired = [b - a for a, b in zip(on, off, strict=True)]
    gain = statistics.median(paired)
    noise = max(on) - min(on)
    same_sign = all(d > 0 for d in paired) or all(d < 0 for d in paired)
    return {
        "gain_ms": gain,
        "gain_pct": 100 * gain / statistics.median(off),
        "gain_range": (min(paired), max(paired)),
        "noise_ms": noise,
        "clear": same_sign and abs(gain) > noise,
    }


def report_page(
    label: str,
    blocks: dict[str, list[float]],
    sizes: dict[str, int],
    cpu_blocks: dict[str, list[float]] | None = None,
) -> None:
    print(f"  {label}")
    for state, medians in blocks.items():
        print(
            f"    {state:<26} {_ms(statistics.median(medians)):>7} ms "
            f"(blocks {_ms(min(medians))}–{_ms(max(medians))})  {sizes[state]:>8,} B"
        )
    for state in blocks:
        if state == "on":
            continue
        for what, measured in (("wall", blocks), ("CPU", cpu_blocks)):
            if not measured:
                continue
            v = verdict(measured, state)
            low, high = v["gain_range"]
            print(
                f"    {what:<4} gain of ON over {state!r}: {_ms(v['gain_ms'])} ms, "
                f"{v['gain_pct']:.0f} % (rounds {_ms(low)} to {_ms(high)}; "
                f"ON spread {_ms(v['noise_ms'])} ms) {'CLEAR' if v['clear'] else 'not clear'}"
            )
    sys.stdout.flush()


def reprint(run: dict) -> None:
    for piece in run["pieces"].values():
        print(piece["name"])
        for page in piece["pages"]:
            report_page(page["page"], page["blocks"], page["bytes"], page.get("cpu_blocks"))
        for name, value in piece["notes"].items():
            print(f"  {name}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pieces", nargs="*", help=", ".join(PIECES))
    parser.add_argument("--json", type=Path, help="write every block's figures here")
    parser.add_argument("--report", type=Path, help="print the report of a --json file again")
    args = parser.parse_args()
    if args.report:
        return reprint(json.loads(args.report.read_text()))
    logging.disable(logging.WARNING)
    _switched_filter("bootstrap", _django_widget)
    _switched_filter("bootstrap_field", _crispy_field)
    wanted = args.pieces or list(PIECES)
    if unknown := set(wanted) - set(PIECES):
        parser.error(f"no piece {', '.join(sorted(unknown))}: pieces are {', '.join(PIECES)}")
    clients = _clients()
    CLIENTS.update(clients)
    print(
        f"{Cadre.objects.count():,} cadres; {ROUNDS} rounds; DEBUG={settings.DEBUG}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    out = {"rounds": ROUNDS, "started": timezone.now().isoformat(), "pieces": {}}
    for key in wanted:
        piece = PIECES[key]
        print(f"{piece.name} ({piece.requests} requests a block)", flush=True)
        started = time.perf_counter()
        pages = measure(piece, clients)
        notes = piece.notes() if piece.notes else {}
        for name, value in notes.items():
            print(f"  {name}: {value}")
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        out["pieces"][key] = {"name": piece.name, "pages": pages, "notes": notes}
    out["load_average_end"] = os.getloadavg()[0]
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
