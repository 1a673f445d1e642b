"""Hostile input, as each role: every form the role can open is submitted with hostile
values (script tags, quotes, SQL fragments, 10,000 characters, odd Unicode, other users'
ids, missing and duplicated fields); then every page the role can open is visited.
No answer may be a server error, and no payload may come back unescaped."""

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from kader.tests.test_permission_matrix import MATRIX, PERSONAS, kwargs_for, world  # noqa: F401

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('kader-xss')</script>"
PAYLOADS = [
    SCRIPT,
    "\"'><img src=x onerror=alert(1)>",
    "'; DROP TABLE partners_partner; --",
    "1 OR 1=1",
    "x" * 10_000,
    "\u202e\u0000\ufeffＡ𝔘 \U0001f600 ‮",
    "-1",
    "99999999999999999999",
]
# Never repeated unescaped in a page: the script tag and the attribute breaker.
RAW = [SCRIPT, "<img src=x onerror=alert(1)>"]
SKIP = {
    # Log out, language switch, password reset by e-mail: not data forms.
    "logout",
    "set_language",
    "password_reset",
    "password_reset_confirm",
    "password_change",
    "login",
}


APPS = ("partners", "programs", "evaluations", "kader")


def has_payload(model) -> bool:
    text = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField | models.CharField)
    ]
    query = Q()
    for name in text:
        query |= Q(**{f"{name}__contains": "kader-xss"})
    return bool(text) and model._default_manager.filter(query).exists()


def allowed(name: str, persona: str, spec: int = 1) -> bool:
    return MATRIX[name][spec][PERSONAS.index(persona)] == "O"


def plain_value(field: forms.Field, other_ids: list[str]) -> str | None:
    """A valid value for a typed field, so that the text fields' payloads get saved."""
    if isinstance(field, forms.ModelChoiceField):
        first = field.queryset.order_by("pk").first()
        return str(first.pk) if first is not None else other_ids[0]
    if isinstance(field, forms.ChoiceField):
        values = [str(v) for v, _label in field.choices if v not in ("", None)]
        return values[0] if values else None
    if isinstance(field, forms.DateTimeField):
        return "2026-01-15 10:00"
    if isinstance(field, forms.DateField):
        return "2026-01-15"
    if isinstance(field, forms.TimeField):
        return "10:00"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "1"
    if isinstance(field, forms.EmailField):
        return "hostile@example.org"
    if isinstance(field, forms.URLField):
        return "https://example.org/"
    if type(field).__name__.startswith("PhoneNumber"):
        return "+6281234567890"
    return None


def hostile_values(form: forms.BaseForm, payload: str, other_ids: list[str]) -> MultiValueDict:
    data = MultiValueDict()
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            data[key] = "on"
        elif isinstance(field, forms.FileField):
            continue
        elif (value := plain_value(field, other_ids)) is not None:
            if isinstance(field, forms.ModelMultipleChoiceField):
                # Someone else's id next to a valid one.
                data.setlist(key, [value, other_ids[0]])
            else:
                data[key] = value
        else:
            data.setlist(key, [payload, payload])  # duplicated; the last one counts
        if isinstance(field, forms.ModelChoiceField) and payload == PAYLOADS[-2]:
            data[key] = other_ids[0]  # another user's id
    return data


def forms_in(context) -> list[forms.BaseForm]:
    found = []
    contexts = [] if context is None else context if isinstance(context, list) else [context]
    values = [v for ctx in contexts for v in ctx.flatten().values()]
    for value in values:
        if isinstance(value, forms.BaseForm) and value not in found:
            found.append(value)
        elif isinstance(value, forms.BaseFormSet):
            management = value.management_form
            if management not in found:
                found.append(management)
    return found


@pytest.mark.parametrize("persona", ["mentor_a", "coordinator"])
def test_it_survives_hostile_input_and_shows_it_escaped(client, world, persona):  # noqa: F811
    client.force_login(world["users"][persona])
    other_ids = [str(world["users"]["mentor_b"].pk)]
    pages = [name for name in sorted(MATRIX) if name not in SKIP and allowed(name, persona)]
    submitted = 0
    for name in pages:
        url = reverse(name, kwargs=kwargs_for(name, MATRIX[name][0], world))
        response = client.get(url)
        assert response.status_code < 500, url
        found = forms_in(getattr(response, "context", None))
        for number, payload in enumerate(PAYLOADS):
            data = MultiValueDict()
            for form in found:
                data.update(hostile_values(form, payload, other_ids))
            if number == len(PAYLOADS) - 1:
                data = MultiValueDict()  # every field missing
            response = client.post(url, data)
            assert response.status_code < 500, (url, payload[:40])
            submitted += 1
    assert submitted > 50
    stored = [m for m in apps.get_models() if m._meta.app_label in APPS and has_payload(m)]
    assert stored, "no hostile text was saved anywhere: the escaping check would be empty"
    # Every page the persona may open, after all that: no error, nothing unescaped.
    for name in sorted(MATRIX):
        if not allowed(name, persona, spec=1) or name in SKIP or "export" in name:
            continue
        url = reverse(name, kwargs=kwargs_for(name, MATRIX[name][0], world))
        response = client.get(url)
        assert response.status_code < 500, url
        if response.get("Content-Type", "").startswith("text/html") and not getattr(
            response, "streaming", False
        ):
            body = response.content.decode()
            for raw in RAW:
                assert raw not in body, (url, raw)
