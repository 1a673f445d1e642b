"""Forms a mentor fills in without a connection, sent later by the phone (issue 19).

static/js/offline.js keeps such a form in IndexedDB and posts it when the connection
returns, with the header `X-Kader-Offline: 1` and the form's `idempotency_key` (a UUID the
page made). Here, for the views that take such posts (`@offline_sendable`):

- Exactly once: `save_once` saves and records the key (`OfflineSend`) in one transaction;
  the key is the table's primary key, so a twin sent at the same moment waits for the first
  one's commit and is then refused by the database, never by a look-up made too early.
  A key already answered gets that answer again and nothing is saved.
- Answers in words for the phone: JSON `{"status": "sent", "location": …}`, or a refusal
  `{"status": "refused", "reason": …}` the mentor reads next to the draft, which the phone
  keeps. An ordinary post (no header) is answered with pages and redirects as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.models import OfflineSend

KEY_FIELD = "idempotency_key"
HEADER = "X-Kader-Offline"


class AlreadySent(Exception):
    """The key was recorded by another request meanwhile (see `save_once`)."""


def is_offline_send(request: HttpRequest) -> bool:
    return request.method == "POST" and request.headers.get(HEADER) == "1"


def posted_key(request: HttpRequest) -> uuid.UUID | None:
    """The form's key; a missing or malformed one (an old page, a hand-made post) is none:
    such a post is saved as before, without the guarantee."""
    try:
        return uuid.UUID(request.POST.get(KEY_FIELD, ""))
    except ValueError:
        return None


def sent(request: HttpRequest, location: str) -> HttpResponse:
    if is_offline_send(request):
        return JsonResponse({"status": "sent", "location": location})
    return redirect(location)


def refused(reason: str, status: int = 409) -> JsonResponse:
    return JsonResponse({"status": "refused", "reason": reason}, status=status)


def form_refused(*forms: BaseForm | BaseFormSet) -> JsonResponse:
    """The errors of the forms (and formsets) as sentences: "Label: error"."""
    lines: list[str] = []
    for form in forms:
        for one in form.forms if isinstance(form, BaseFormSet) else [form]:
            for name, errors in one.errors.items():
                label = one.fields[name].label if name in one.fields else ""
                lines += [f"{label}: {e}" if label else str(e) for e in errors]
        if isinstance(form, BaseFormSet):
            lines += [str(e) for e in form.non_form_errors()]
    return refused(" ".join(lines) or _("The form was not accepted."), status=422)


def _earlier_answer(request: HttpRequest, key: uuid.UUID) -> HttpResponse | None:
    # Keys are random: a look-up by key alone; someone else's is as absent as any other.
    record = OfflineSend.objects.filter(key=key).first()
    if record is None:
        return None
    if record.user_id != request.user.pk:
        raise Http404
    return sent(request, record.location)


def save_once(request: HttpRequest, save: Callable[[], tuple[Model, str] | None]) -> str | None:
    """Run `save` (which returns what it saved and the page that shows it, or None when it
    refused) and record the posted key with that result: both or neither."""
    key = posted_key(request)
    if key is None:
        saved = save()
        return None if saved is None else saved[1]
    user = request.user
    if not user.is_authenticated:  # the views log in first; this says so to the type checker
        raise Http404
    try:
        with transaction.atomic():
            # First: a twin sent at the same time waits here, then fails on the key.
            OfflineSend.objects.create(key=key, user=user)
            saved = save()
            if saved is None:
                transaction.set_rollback(True)
                return None
            obj, location = saved
            OfflineSend.objects.filter(key=key).update(
                object_type=obj._meta.label_lower, object_id=obj.pk, location=location
            )
    except IntegrityError:
        if not OfflineSend.objects.filter(key=key).exists():
            raise
        raise AlreadySent from None
    return location


def offline_sendable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view whose form a phone may send later: a key already answered gets its answer
    again before the view runs; for the phone, "not found" is a refusal in words."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = posted_key(request) if request.method == "POST" else None
        try:
            if key is not None and (earlier := _earlier_answer(request, key)):
                return earlier
            return view(request, *args, **kwargs)
        except AlreadySent:
            assert key is not None
            earlier = _earlier_answer(request, key)
            assert earlier is not None
            return earlier
        except Http404:
            if not is_offline_send(request):
                raise
            return refused(
                _(
                    "This is no longer yours to change: the mentee may have passed to "
                    "another mentor, or the mentoring or evaluation was taken away."
                ),
                status=404,
            )

    return wrapped
