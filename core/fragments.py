"""Rendered rows kept by what they show: a list's table is rendered once per distinct content.

A list's rows go through includes, translations and URL reversing: 1.5–7 ms of Django's
template engine per page at the national tier (issue 7, docs/performance.md). Rows change
far less often than they are read, so `{% cacherows %}` (core/templatetags/kader_fragments.py)
keeps the rendered table with Django's `{% cache %}` machinery, keyed on the *fingerprint* of
the rows it shows:

    {% cacherows "partner_rows" page.object_list perms.partners.view_agreement %}…{% endcacherows %}

The fingerprint covers every value loaded for those rows: each instance's fields and
annotations, the related rows fetched with it (`select_related`) and its prefetched rows, all
the way down. Whatever changes what a row can show changes its fingerprint, so a kept table is
never stale, whatever the edit and wherever it came from (a form, the admin, an import, SQL);
there is nothing to invalidate. The language, the time zone and today's date are always in
the key; anything else a row shows that is not a loaded value (a permission that adds a
column) is named in the tag. Because a key names exactly its content, each process keeps its
own copies in memory (`CACHES["template_fragments"]`, bounded by `KADER_FRAGMENTS_KEPT`).

A fingerprint is a digest (BLAKE2b) of the values' text, 0.6–1.4 ms for 25 rows. It pays
where rows render through includes and translations: the partner, agreement and evaluation
lists and the program page's sections save 4–7 ms of CPU a request when kept (bench/
machinery.py, docs/performance.md). The cadre directory and the session list, whose rows are
a few plain cells, saved under 2 ms, within the machine's noise, and render every time.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import logging
import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise

logger = logging.getLogger(__name__)

# Plain values whose repr() is stable from process to process.
_PLAIN = (
    str,
    int,
    float,
    bool,
    type(None),
    decimal.Decimal,
    dt.date,
    dt.time,
    dt.timedelta,
    uuid.UUID,
)


def fingerprint(*values: Any) -> str:
    """A digest of `values`: model instances (with what was loaded beside them), query sets
    already evaluated, lists, tuples, dicts and plain values."""
    digest = hashlib.blake2b(digest_size=16)
    for value in values:
        _feed(digest, value, seen=set())
    return digest.hexdigest()


def _feed(digest, value: Any, seen: set[int]) -> None:
    update = digest.update
    if isinstance(value, _PLAIN):  # datetime is a date
        update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, Promise):  # a lazy translation: its text in the active language
        update(f"str:{str(value)!r};".encode())
    elif isinstance(value, Model):
        _feed_instance(digest, value, seen)
    elif isinstance(value, Mapping):
        update(b"{")
        for key in sorted(value, key=repr):
            _feed(digest, key, seen)
            _feed(digest, value[key], seen)
        update(b"}")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        update(b"bytes:" + bytes(value) + b";")
    elif isinstance(value, Iterable):  # lists, tuples, sets, evaluated query sets
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        update(b"[")
        for item in items:
            _feed(digest, item, seen)
        update(b"]")
    elif type(value).__repr__ is not object.__repr__:  # a value type (a phone number, say)
        update(f"{type(value).__qualname__}:{value!r};".encode())
    elif type(value).__str__ is not object.__str__:
        update(f"{type(value).__qualname__}:{value!s};".encode())
    else:
        # No stable text: a fingerprint never seen before, so the fragment is rendered
        # afresh (never stale), and the tests say which type it was.
        logger.warning("cannot fingerprint a %s: the fragment is not kept", type(value))
        update(os.urandom(16))


def _feed_instance(digest, instance: Model, seen: set[int]) -> None:
    if id(instance) in seen:  # a cycle (a reverse one-to-one pointing back): its key is enough
        digest.update(f"<{instance._meta.label} pk={instance.pk!r}>".encode())
        return
    seen = seen | {id(instance)}
    # The loaded values, in the order the query set them, as one repr() (written in C; the
    # values are the fields' own types: str, int, date, Decimal…). A value whose repr holds
    # an address (an object without a repr of its own) only ever misses the cache.
    state = instance.__dict__
    values = [(k, v) for k, v in state.items() if k not in _NOT_VALUES]
    digest.update(f"<{instance._meta.label} {values!r}".encode())
    for relation, rows in sorted(state.get("_prefetched_objects_cache", {}).items()):
        digest.update(f" {relation}=".encode())
        _feed(digest, list(rows), seen)
    for relation, related in sorted(instance._state.fields_cache.items()):
        digest.update(f" {relation}:".encode())
        _feed(digest, related, seen)
    digest.update(b">")


_NOT_VALUES = frozenset({"_state", "_prefetched_objects_cache"})
