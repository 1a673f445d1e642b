"""Every GET parameter of every page, fuzzed, as the coordinator and as mentor A.

Form fields are not the only input: lists read filters, search terms, cursors, page
numbers and sort keys from the query string, and some pages read a parameter of their own
(`?mentee=` on "log a session", `?partner=` on a new agreement, `?restart=` on the
import). Each page of the URLconf (admin aside) is filled with real objects of the
permission matrix's world and opened once to learn what it reads: the names of its GET
forms, the query keys of its links (pagination, sorting), and every key the view asked
the query string for (recorded while it ran). Then each of those, plus a name nobody
reads, gets hostile values, one parameter at a time: never a 500, and no script comes
back unescaped.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import given, note, settings
from hypothesis import strategies as st

from core.testing import forms_in
from kader.tests.test_permission_matrix import (  # noqa: F401 (fixture)
    ADMIN_PREFIX,
    MATRIX,
    PATTERNS,
    PERSONAS,
    kwargs_for,
    world,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('kader-xss')</script>"
HOSTILE = [
    SCRIPT,
    "\"'><img src=x onerror=alert(1)>",
    "'; DROP TABLE partners_partner; --",
    "1 OR 1=1",
    "a\x00b",
    "\x01\x1b\x7f",
    "\u202e\ufeffＡ𝔘 \U0001f600 \U0010fffd",
    "x" * 5000,
    "-1",
    "0",
    "99999999999999999999",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31T99:99",
    "%",
    "%00",
    "..",
    "[]",
    "{}",
    "",
]
# What lists commonly read, and one name that nothing reads.
COMMON = ["q", "page", "cursor", "after", "before", "sort", "order", "o", "per_page", "next",
          "format", "period", "lang", "kader-unknown"]  # fmt: skip
# Pages whose GET changes state or leaves the site: not pages to fuzz.
SKIP = {"logout", "set_language"}
# Values for every parameter at once in a sweep; hypothesis then varies one at a time.
SWEEP = [SCRIPT, "a\x00b", "x" * 5000, "-1", "99999999999999999999", "2026-02-30", ""]
# One-at-a-time examples per page: half the profile's (20 in CI; ≈ 1 minute per persona).
EXAMPLES = max(20, settings.default.max_examples // 2)


def pages_for(persona: str) -> list[str]:
    """The URL names this persona may open with GET (the matrix says "O")."""
    column = PERSONAS.index(persona)
    return sorted(
        name
        for name, (_source, get_spec, _post) in MATRIX.items()
        if not name.startswith(ADMIN_PREFIX) and name not in SKIP and get_spec[column] == "O"
    )


@contextmanager
def recording_reads():
    """Every key a view asks a query dict for while the block runs."""
    read: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("__getitem__", "get", "getlist")}

    def wrap(name):
        original = originals[name]

        def recorded(self, key, *args, **kwargs):
            if isinstance(key, str) and isinstance(self, QueryDict):
                read.add(key)
            return original(self, key, *args, **kwargs)

        return recorded

    for name in originals:
        setattr(MultiValueDict, name, wrap(name))
    try:
        yield read
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


LINK = re.compile(r'href="([^"]*\?[^"]*)"')


def parameters_of(client, url: str) -> set[str]:
    """What the page reads: its GET forms' fields, its links' query keys, what the view
    asked for; plus the common list parameters and one unknown name."""
    with recording_reads() as read:
        response = client.get(url)
    assert response.status_code < 500, url
    names = set(read) | set(COMMON)
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        body = response.content.decode()
        for form in forms_in(body, url):
            if form.method == "get":
                names |= form.names
        path = urlsplit(url).path
        for link in LINK.findall(body):
            target = urlsplit(unescape(link))
            if target.path in ("", path):
                names |= {key for key, _value in parse_qsl(target.query, keep_blank_values=True)}
    # Names Django itself reads from any request (the session, CSRF, messages) are not
    # the page's parameters; the reads of the login form are POST's, harmless here.
    return {n for n in names if n and not n.startswith(("csrf", "HTTP_", "_auth"))}


def fetch(client, url: str, params: dict):
    response = client.get(url + "?" + urlencode(params, doseq=True))
    body = b""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # an export fails while it streams
    elif response.get("Content-Type", "").startswith("text/html"):
        body = response.content
    return response, body


def check(client, url: str, params: dict, failures: dict) -> None:
    """Record a server error or an unescaped script, one example per page and kind."""
    try:
        with transaction.atomic():  # a failed query must not spoil the next request's
            response, body = fetch(client, url, params)
    except Exception as error:  # the test client re-raises what would be a 500
        kind = f"{type(error).__name__}: {str(error)[:100]}"
    else:
        if response.status_code >= 500:
            kind = f"HTTP {response.status_code}"
        elif SCRIPT.encode() in body:
            kind = "script echoed unescaped"
        else:
            return
    key, shown = (urlsplit(url).path, kind), {k: v[:40] for k, v in params.items()}
    if key not in failures or len(shown) < len(failures[key]):
        failures[key] = shown  # the fewest parameters that show it


@pytest.mark.parametrize("persona", ["coordinator", "mentor_a"])
def test_no_get_parameter_of_any_page_gives_a_server_error(client, world, persona):  # noqa: F811
    # The persona opens every page she may open with hostile values in each parameter the
    # page reads, and in parameters it does not read.
    client.force_login(world["users"][persona])
    names = pages_for(persona)
    assert len(names) >= (30 if persona == "coordinator" else 12), names
    fuzzed, failures = 0, {}
    for name in names:
        url = reverse(name, kwargs=kwargs_for(name, MATRIX[name][0], world))
        params = sorted(parameters_of(client, url))
        for value in SWEEP:
            known = len(failures)
            check(client, url, dict.fromkeys(params, value), failures)
            if len(failures) > known:  # which parameter was it?
                for param in params:
                    check(client, url, {param: value}, failures)
        fuzz_one_at_a_time(client, url, params, failures)
        fuzzed += len(params)
    assert fuzzed > 200
    # Every page and kind of failure at once, each with one request that shows it.
    assert not failures, "\n".join(
        f"{path} {kind} <- {params}" for (path, kind), params in sorted(failures.items())
    )


def fuzz_one_at_a_time(client, url: str, params: list[str], failures: dict) -> None:
    value = st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
        st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=3),  # a name sent twice
    )

    @settings(max_examples=EXAMPLES)
    @given(key=st.sampled_from(params), value=value)
    def one(key, value):
        note(f"{url}?{key}={value!r}")
        check(client, url, {key: value}, failures)

    one()


def test_it_finds_what_a_list_reads(client, world):  # noqa: F811
    # The discovery itself: the partner list's filters, its cursor and its search.
    client.force_login(world["users"]["coordinator"])
    found = parameters_of(client, reverse("partners:partner_list"))
    assert {"q", "status", "sector", "kader-unknown"} <= found, found
