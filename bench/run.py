"""`make bench TIER=district`: measure every page against the floor and Django admin.

Runs with the project's Python (Django set up against DATABASE_URL, already seeded with
`manage.py seed_scale --tier TIER`); starts gunicorn on 127.0.0.1 with DEBUG off, then
runs locust headless once per page (BENCH_SECONDS each, BENCH_USERS concurrent users),
reads p50/p95/throughput, writes bench/results/<tier>-<date>.json (not kept in git) and
the table in docs/performance.md between its markers.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kader.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)  # the bench never faces anyone
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("KADER_BENCH_PAGES", "1")  # the floor's URLs, reversed below

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.objects import BENCH_EXPORT_QUERY, RESOLVERS  # noqa: E402
from bench.pages import ADMIN, DISTRICT, MENTOR, NATIONAL, Page, planned  # noqa: E402
from dashboard.models import Export  # noqa: E402
from devtools import scale  # noqa: E402
from evaluations.models import Evaluation  # noqa: E402
from jurisdictions.seeding import office_username  # noqa: E402
from partners.models import Partner  # noqa: E402
from programs.models import Cadre, Session  # noqa: E402

TIER = os.environ.get("TIER", "district")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
USERS = int(os.environ.get("BENCH_USERS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
LOCUST = os.environ.get("LOCUST", str(ROOT / "var/bench-venv/bin/locust"))
ADMIN_USER, COORDINATOR, MENTOR_USER = "scale-admin", "scale-coordinator", "scale-mentor1"


def free_port() -> int:
    for port in range(8100, 8200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8100–8199")


PERSONA_PREFIX = {NATIONAL: "", DISTRICT: "district: ", MENTOR: "mentor: "}


def personas() -> dict[str, str]:
    """Username of each persona. Issue 17: the district's coordinator is the office of the
    first cadre's regency/city, who sees that district only."""
    cadre = Cadre.objects.select_related("city").order_by("pk").first()
    return {
        NATIONAL: COORDINATOR,
        DISTRICT: office_username(cadre.city.code),
        MENTOR: MENTOR_USER,
        ADMIN: ADMIN_USER,
    }


def pages() -> list[dict]:
    """Every page of bench/pages.py as each persona, its objects found in the database
    among those the persona sees, then every admin changelist."""
    who = personas()
    users = {key: get_user_model().objects.get(username=name) for key, name in who.items()}
    wanted = [w.strip() for w in os.environ.get("BENCH_PAGES", "").split(",") if w.strip()]
    out = []
    for persona, page in planned():
        name = PERSONA_PREFIX[persona] + page.name
        if wanted and name != "floor" and not any(w in name for w in wanted):
            continue
        found: dict = {}
        if page.obj:
            found = RESOLVERS[page.obj](users[persona])
            if found is None:
                print(f"{name:<45} not measured: {who[persona]} sees no {page.obj}", flush=True)
                continue
        kwargs = dict(page.kwargs)
        if "value" in found:
            kwargs[page.param] = found["value"]
        path = reverse(page.url, kwargs=kwargs)
        query = "&".join(q for q in (page.query, found.get("query", "")) if q)
        out.append(
            {
                "name": name,
                "url": page.url,
                "role": who[persona],
                "path": path + (f"?{query}" if query else ""),
                "post": found.get("post"),
                "kind": page.kind,
                "status": page.status,
                "model": page.model,
                "budget_ms": budget_of(page),
            }
        )
    for model in admin.site._registry:
        meta = model._meta
        name = f"admin: {meta.app_label}.{meta.model_name}"
        if wanted and not any(w in name for w in wanted):
            continue
        out.append(
            {
                "name": name,
                "url": f"admin:{meta.app_label}_{meta.model_name}_changelist",
                "role": ADMIN_USER,
                "path": f"/admin/{meta.app_label}/{meta.model_name}/",
                "post": None,
                "kind": "page",
                "status": 200,
                "model": meta.label,
                "budget_ms": 500,
            }
        )
    return out


def budget_of(page: Page) -> int | None:
    """The p95 a page must keep (issue 20); a stream's is its first byte's."""
    if page.url == "home":
        return 300
    if page.kind == "xlsx":
        return 2000  # an export request, the background one's start or a small file
    return 150


def probe(host: str, page: dict, session) -> dict:
    """One request, timed here: a page slower than the run time gets its figures from this
    (locust drops requests still in flight when it stops)."""
    started = time.perf_counter()
    url = host + page["path"]
    if page["post"] is not None:
        data = dict(page["post"], csrfmiddlewaretoken=session.cookies["csrftoken"])
        answer = session.post(url, data, headers={"Referer": url}, allow_redirects=False)
        return _probed(started, None, len(answer.content), answer.status_code == 302)
    read = 0
    try:
        answer = session.get(url, stream=True, allow_redirects=False, timeout=(10, 280))
        first = time.perf_counter()
        for chunk in answer.iter_content(chunk_size=65536):
            read += len(chunk)
            if page["kind"] == "stream" and read >= STREAM_MB * 1024 * 1024:
                break
        answer.close()
    except requests.RequestException as error:  # a worker killed at gunicorn's timeout
        print(f"{page['name']:<45} failed: {error}", flush=True)
        return _probed(started, None, read, False)
    expected = {200, 302} if page["kind"] in ("xlsx", "stream") else {page["status"]}
    first = first if page["kind"] == "stream" else None
    return _probed(started, first, read, answer.status_code in expected)


def _probed(started: float, first: float | None, read: int, ok: bool) -> dict:
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    result = {
        "requests": 1,
        "failures": 0 if ok else 1,
        "p50_ms": elapsed,
        "p95_ms": elapsed,
        "rps": round(1000 / elapsed, 2),
        "probe_only": True,
    }
    if first is not None:
        first_ms = round((first - started) * 1000, 1)
        result.update(first_byte_p50_ms=first_ms, first_byte_p95_ms=first_ms, bytes_read=read)
        result["capped"] = read >= STREAM_MB * 1024 * 1024
    return result


def logged_in(host: str, username: str):
    session = requests.Session()
    page = session.get(host + "/accounts/login/").text
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    session.post(
        host + "/accounts/login/",
        {"username": username, "password": scale.PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": host + "/accounts/login/"},
        allow_redirects=False,
    )
    return session


def measure(host: str, page: dict, workdir: Path) -> dict:
    prefix = workdir / page["name"].replace(" ", "_").replace(":", "").replace(",", "")
    env = dict(
        os.environ,
        BENCH_HOST=host,
        BENCH_USER=page["role"],
        BENCH_PASSWORD=scale.PASSWORD,
        BENCH_PATH=page["path"],
        BENCH_POST=json.dumps(page["post"]),
        BENCH_KIND=page["kind"],
        BENCH_STATUS=str(page["status"]),
    )
    run = subprocess.run(
        [
            LOCUST,
            "-f",
            str(ROOT / "bench/locustfile.py"),
            "--headless",
            "--only-summary",
            "--loglevel=WARNING",
            f"--users={USERS}",
            f"--spawn-rate={USERS}",
            f"--run-time={SECONDS}s",
            # Requests in flight when the clock stops still count: a page slower than the
            # run time would otherwise have no figures at all.
            "--stop-timeout=60",
            f"--host={host}",
            f"--csv={prefix}",
        ],
        env=env,
        check=False,
        capture_output=True,
    )
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust did not run for {page['name']}:\n{run.stderr.decode()[-2000:]}")
    with open(f"{prefix}_stats.csv") as f:
        stats = {r["Name"]: r for r in csv.DictReader(f)}
    row = stats.get("page")
    if row is None:  # not one request finished, even after the stop timeout
        return {"requests": 0, "failures": 0, "p50_ms": None, "p95_ms": None, "rps": 0.0}
    result = {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "rps": round(float(row["Requests/s"]), 2),
    }
    first = stats.get("first byte")
    if first is not None:  # a stream: the page's figures are its end's (or its cap's)
        result["first_byte_p50_ms"] = float(first["50%"])
        result["first_byte_p95_ms"] = float(first["95%"])
        result["bytes_read"] = int(float(row["Average Content Size"]))
        result["capped"] = "capped" in stats
    return result


def rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    out = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(round(int(line.split()[1]) / 1024, 1))
    return out


def main() -> None:
    plan = pages()  # every object found before the clock starts
    workdir = Path(tempfile.mkdtemp(prefix="kader-bench-"))
    static = workdir / "static"
    env = dict(
        os.environ,
        DEBUG="0",
        HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static),
        # Pages are measured, not the login: the benchmark users have no TOTP device.
        KADER_REQUIRE_2FA="0",
        # The floor and layout pages (devtools/bench.py) exist only when asked for.
        KADER_BENCH_PAGES="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "kader.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--log-level=warning",
            # A slow page is measured, not killed at gunicorn's default 30 s.
            "--timeout=300",
        ],
        cwd=ROOT,
        env=env,
    )
    host = f"http://127.0.0.1:{port}"
    begun = dt.datetime.now(dt.UTC)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(host + "/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        # In production beat recomputes the shared dashboard every 4 minutes, so nobody
        # opens it cold; do the same once here (the bench process shares the cache).
        from dashboard import figures_cache

        started = time.perf_counter()
        figures_cache.warm()
        print(f"dashboard warmed in {time.perf_counter() - started:.1f} s", flush=True)
        rows = []
        sessions: dict = {}
        for page in plan:
            if page["role"] not in sessions:
                sessions[page["role"]] = logged_in(host, page["role"])
            # One request first: a page slower than the run itself is measured by it alone.
            result = probe(host, page, sessions[page["role"]])
            if result["p95_ms"] < SECONDS * 1000 / 2:
                result = measure(host, page, workdir)
            rows.append({**page, **result})
            first = result.get("first_byte_p95_ms")
            print(
                f"{page['name']:<45} p50 {_ms(result['p50_ms'])} ms  p95 "
                f"{_ms(result['p95_ms'])} ms  {result['rps']:>7.1f} req/s  "
                f"{result['failures']} failures"
                + (f"  first byte p95 {_ms(first)} ms" if first is not None else "")
                + ("  (capped)" if result.get("capped") else ""),
                flush=True,
            )
        memory = rss_mb(gunicorn.pid)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        # The XLSX starts recorded exports for a worker; the bench runs none.
        gone = Export.objects.filter(created_at__gte=begun).exclude(query=BENCH_EXPORT_QUERY)
        print(f"removed {gone.delete()[0]} exports the bench started", flush=True)
    report(rows, memory)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def report(rows: list[dict], memory: list[float]) -> None:
    floor = next(r for r in rows if r["name"] == "floor")
    admin_of = {r["model"]: r for r in rows if r["name"].startswith("admin:")}
    for r in rows:
        measured = r["p95_ms"] is not None
        r["x_floor_p95"] = round(r["p95_ms"] / floor["p95_ms"], 2) if measured else None
        r["throughput_vs_floor"] = round(r["rps"] / floor["rps"], 2) if floor["rps"] else None
        ref = admin_of.get(r["model"])
        r["x_admin_p95"] = (
            round(r["p95_ms"] / ref["p95_ms"], 2) if measured and ref and ref["p95_ms"] else None
        )
    counts = _counts()
    today = dt.date.today().isoformat()
    result = {
        "tier": TIER,
        "date": today,
        "seconds_per_page": SECONDS,
        "users": USERS,
        "gunicorn_workers": WORKERS,
        "worker_rss_mb_after": memory,
        "rows": counts,
        "pages": rows,
        "note": "2-core machine shared with other test runs: figures are noisy.",
    }
    # A run of some pages only (BENCH_PAGES) is kept under its own name and leaves the
    # table in docs/performance.md, which always shows a whole run, alone.
    partial = bool(os.environ.get("BENCH_PAGES"))
    suffix = "-" + os.environ["BENCH_PAGES"].replace(",", "+").replace(" ", "") if partial else ""
    if len(suffix) > 120:  # a long list of pages: a name the file system takes
        suffix = "-partial-" + hashlib.sha256(suffix.encode()).hexdigest()[:10]
    out = ROOT / f"bench/results/{TIER}-{today}{suffix}.json"
    out.parent.mkdir(exist_ok=True)  # raw results are not kept in git
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out.relative_to(ROOT)}; gunicorn workers' RSS after the run: {memory} MB")
    if not partial:
        update_docs(result)


def _counts() -> dict[str, int]:
    return {
        "cadres": Cadre.objects.count(),
        "sessions": Session.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "partners": Partner.objects.count(),
    }


STREAM_MB = int(os.environ.get("BENCH_STREAM_BYTES", str(8 * 1024 * 1024))) // (1024 * 1024)


def within(r: dict) -> str:
    """Whether the page kept its p95 budget (a stream: its first byte's)."""
    p95 = r.get("first_byte_p95_ms", r["p95_ms"])
    if p95 is None or r["failures"]:
        return "no"
    return "yes" if p95 <= r["budget_ms"] else "**no**"


def update_docs(result: dict) -> None:
    doc = ROOT / "docs/performance.md"
    start = f"<!-- bench:{result['tier']}:start -->"
    end = f"<!-- bench:{result['tier']}:end -->"
    lines = [
        start,
        f"Tier **{result['tier']}**, {result['date']}: "
        + ", ".join(f"{v:,} {k}" for k, v in result["rows"].items())
        + f"; {result['users']} concurrent users, {result['gunicorn_workers']} gunicorn workers, "
        f"{result['seconds_per_page']} s per page; worker RSS after: "
        + ", ".join(f"{m} MB" for m in result["worker_rss_mb_after"])
        + ".",
        "",
        "Streams (CSV exports): p50/p95 are to the end, or to the first "
        f'{STREAM_MB} MB when marked "capped"; their budget is the first byte\'s.',
        "",
        "| page | p50 ms | p95 ms | first byte p95 ms | req/s | throughput / floor "
        "| × admin p95 | budget ms | within |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in result["pages"]:
        fails = f" ({r['failures']} failed)" if r["failures"] else ""
        capped = " (capped)" if r.get("capped") else ""
        capped += " (one request)" if r.get("probe_only") else ""
        lines.append(
            f"| {r['name']}{fails}{capped} | {_ms(r['p50_ms'])} | {_ms(r['p95_ms'])} | "
            f"{_ms(r.get('first_byte_p95_ms'))} | {r['rps']:.1f} | "
            f"{r['throughput_vs_floor'] or '–'} | {r['x_admin_p95'] or '–'} | "
            f"{r['budget_ms'] or '–'} | {within(r)} |"
        )
    lines.append(end)
    block = "\n".join(lines)
    text = doc.read_text() if doc.exists() else "# Performance\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)


if __name__ == "__main__":
    call_command("check", verbosity=0)
    main()
