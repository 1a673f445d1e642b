"""One hostile field at a time, in a form that would otherwise save.

Filling every field with junk at once (test_every_form.py) mostly tests the first
validation error: the save, and what is stored, is rarely reached. Here each example starts
from the form as the page renders it (core/testing.py), completed with
values a person would pick where the page leaves a required field blank; that form saves.
Then hypothesis replaces ONE field with a hostile value: very long text, control
characters, NUL, every Unicode plane, direction marks, HTML and JavaScript, SQL, huge and
negative numbers, malformed dates, several values for one field.

Whatever comes, never a 500, and exactly one of:
- saved (302): the page that edits it shows the value as typed, as the field itself reads
  it (Django's documented normalisation: surrounding spaces stripped, numbers and dates
  parsed; `field.clean` of what was typed equals `field.clean` of what is shown);
- refused (200): an error at that very field, and no row of any table changed.

And a good part of the examples save: a property that never reaches the save proves little.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.forms.formsets import ManagementForm
from django.urls import resolve, reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import given, note, settings
from hypothesis import strategies as st

from conftest import need_postgres
from core.limits import LineBreakText
from core.testing import RenderedForm, rendered_form
from kader.tests.test_every_form import (  # noqa: F401 (fixtures)
    FINGERPRINT,
    MISSING,
    READ_ONLY,
    good_value,
    places,
    url_for,
    world,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
LONG = "Sangat panjang " * 700  # ≈ 10,000 characters
HOSTILE_TEXT = [
    "<script>alert('kader-xss')</script>",
    "\"'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "'; DROP TABLE partners_partner; --",
    "1' OR '1'='1",
    "Robert\x00Tables",
    "\x1b[31mmerah\x1b[0m\x07",
    "baris satu\r\nbaris dua\rtiga\x0b\x0c",
    "\u202eKader\u202c \u200fمرحبا\u200e \u2066x\u2069",
    "\U0001f600\U0001f469\u200d\U0001f4bb \U00020000\U0002a6d6 \U000e0041 \U0010fffd",
    "Ａ𝔘\u0301\ufeff\u00ad\u2028\u2029",
    "  diapit spasi  ",
    LONG,
    "x" * 256,
    "%s%n{0}{{7*7}}${7*7}",
    "../../etc/passwd",
]
HOSTILE_NUMBERS = [
    "-1",
    "0",
    "-0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "1_000",
    "١٢٣",
    "12,5",
    "0x1F",
    " 7 ",
    "2147483648",
    "-9223372036854775809",
]
HOSTILE_DATES = ["2026-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "2026-13-01",
                 "31/12/2026", "12/31/2026", "+275760-09-13", "2026-1-5", "1900-01-01",
                 "2026-06-15T10:00", "kemarin"]  # fmt: skip
# Per form: the profile's examples (the root conftest.py: 40 in CI). All 20 forms,
# measured on the shared 2-core machine: 1 minute of CPU, 4.5 minutes of wall time.
EXAMPLES = max(40, settings.default.max_examples)
# Any code point but the surrogates, which no browser can send as UTF-8.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
SCALAR = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
    ANY_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@dataclass(frozen=True)
class Case:
    url: str  # URL name of the form page
    source: str | None  # object of the `places` world filling the URL
    persona: str  # who fills it in
    extra: dict = field(default_factory=dict)  # values a person would type to make it valid
    # Where a save's values are shown again in a form: "same" page, the new object's
    # "edit" page (the save redirects to its detail page), or nowhere checked (None).
    reread: str | None = "same"

    @property
    def id(self) -> str:
        return f"{self.url}:{self.source or '-'}"


def _dates(start: str, end: str, days: int = 30) -> dict:
    return {start: TODAY.isoformat(), end: (TODAY + dt.timedelta(days=days)).isoformat()}


CASES = [
    Case("partners:partner_create", None, "coordinator", {"name": "Yayasan Satu Field"},
         "edit"),
    Case("partners:partner_edit", "partner", "coordinator"),
    Case("partners:communication_create", "partner", "coordinator",
         {"summary": "Rapat koordinasi"}, None),
    Case("partners:communication_edit", "log", "coordinator"),
    Case("partners:agreement_edit", "agreement", "coordinator"),
    Case("programs:program_create", None, "coordinator",
         {"name": "Program Satu Field", "place": "Aula", **_dates("start_date", "end_date")},
         "edit"),
    Case("programs:program_edit", "program", "coordinator"),
    Case("programs:cadre_create", None, "coordinator", {"full_name": "Siti Aminah"}, "edit"),
    Case("programs:cadre_edit", "cadre", "coordinator"),
    Case("programs:enrolment_edit", "enrolment", "coordinator"),
    Case("programs:mentor_edit", "profile", "coordinator"),
    Case("programs:background_field_edit", "field", "coordinator"),
    Case("programs:goal_create", "mentorship", "mentor_a", {"title": "Memimpin rapat"},
         None),
    Case("programs:goal_progress", "goal", "mentor_a"),
    Case("programs:session_create", None, "mentor_a", {"topics": "Rencana karier"}, None),
    Case("programs:session_edit", "session", "mentor_a"),
    Case("evaluations:evaluation_fill", "agreement_evaluation", "coordinator",
         {"findings": "Mitra aktif."}),
    Case("evaluations:evaluation_fill", "evaluation", "mentor_a", {"findings": "Baik."}),
    Case("evaluations:evaluation_plan", "evaluation", "coordinator"),
    Case("evaluations:preferences", None, "mentor_a"),
]  # fmt: skip

# Not typed by a person: the CSRF token and the formsets' bookkeeping (their tampering has
# its own tests, kader/tests/test_formset_limits.py).
NOT_TYPED = ("csrfmiddlewaretoken",)
# Free text (not an e-mail, a URL, a phone: CharField's stricter subclasses).
FREE_TEXT = (forms.CharField, LineBreakText)


@pytest.fixture(autouse=True)
def _postgres(settings):
    # The fingerprint of every table is PostgreSQL SQL (md5, string_agg, row()::text).
    need_postgres(settings)


# --- the page, its Django fields, and a valid submission ---------------------------------


def fields_by_name(context) -> dict[str, tuple[forms.BaseForm, str]]:
    """Each POST name on the page → (its form, the field's name in it), formsets included."""
    found: dict[str, tuple[forms.BaseForm, str]] = {}
    contexts = [] if context is None else context if isinstance(context, list) else [context]
    for value in [v for ctx in contexts for v in ctx.flatten().values()]:
        members = []
        if isinstance(value, forms.BaseFormSet):
            members = [value.management_form, *value.forms]
        elif isinstance(value, forms.BaseForm):
            members = [value]
        for form in members:
            for name in form.fields:
                found.setdefault(form.add_prefix(name), (form, name))
    return found


def valid_overrides(form: RenderedForm, fields: dict, extra: dict) -> dict:
    """What a person adds to the rendered form: a choice where it offers none, a value in a
    required field it leaves blank, and the case's own values."""
    data = form.data()
    overrides = {}
    for key, (django_form, name) in fields.items():
        field_ = django_form.fields[name]
        if key not in form.names or isinstance(django_form, ManagementForm):
            continue
        if django_form.empty_permitted:
            continue  # a formset's blank row: a person leaves it blank
        if data.get(key) not in (None, "") or not field_.required:
            continue
        value = good_value(field_, django_form[name])
        if value is not MISSING:
            overrides[key] = value
    return {**overrides, **{k: v for k, v in extra.items() if k in form.names}}


def typed_fields(form: RenderedForm, fields: dict) -> list[str]:
    """The names a person can type into: rendered, known to a Django form, not bookkeeping."""
    return sorted(
        key
        for key in form.names
        if key in fields
        and key not in NOT_TYPED
        and not isinstance(fields[key][0], ManagementForm)
        and not isinstance(fields[key][0].fields[fields[key][1]], forms.FileField)
        # A formset's "Delete" box stores no value to show again: ticked (any value is
        # True), its row is gone (partners/tests/test_partner_views.py deletes a contact).
        and fields[key][1] != "DELETE"
    )


def fingerprint() -> dict:
    """One checksum per table of our apps and users: any change to any row shows."""
    parts, params = [], []
    for model in apps.get_models():
        if model._meta.app_label not in ("kader", "partners", "programs", "evaluations", "auth"):
            continue
        if model._meta.label in READ_ONLY or model.__name__.startswith("Historical"):
            continue  # reference data no form writes; history follows its model
        columns = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        sql, sql_params = (
            model._default_manager.order_by("pk").values_list(*columns).query.sql_with_params()
        )
        parts.append(FINGERPRINT.replace("{query}", sql))
        params += [model._meta.label, *sql_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {label: (n, digest) for label, n, digest in cursor.fetchall()}


def comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(comparable(v)) for v in value)
    if value in (None, ""):
        return None
    return value


def shown_value(client, page: str, key: str):
    """The value of `key` as the edit page shows it after the save, read as its field reads."""
    response = client.get(page)
    assert response.status_code == 200, page
    django_form, name = fields_by_name(response.context)[key]
    field_ = django_form.fields[name]
    shown = django_form[name].value()
    try:
        return comparable(field_.clean(shown) if not isinstance(shown, list) else shown)
    except ValidationError:
        return comparable(shown)


def edit_page_after(case: Case, url: str, location: str) -> str | None:
    """Where the saved values are shown in a form: the same page, or the new object's."""
    if case.reread == "same":
        return url
    if case.reread == "edit":
        match = resolve(location.split("#")[0])
        assert match.url_name.endswith("_detail"), location
        name = f"{match.namespace}:{match.url_name.removesuffix('_detail')}_edit"
        return reverse(name, kwargs=match.kwargs)
    return None


# --- the property --------------------------------------------------------------------------


def hostile_for(key: str, field_: forms.Field, valid):
    """A hostile scalar, or several values for a field that takes one (the last counts)."""
    # The valid value among them only if the valid form sends one (an unticked box sends
    # nothing, and no browser sends "None").
    element = SCALAR if valid is None else st.one_of(SCALAR, st.just(valid))
    several = st.lists(element, min_size=2, max_size=3)
    if isinstance(field_, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.one_of(SCALAR.map(lambda v: [v]), several)
    return st.one_of(SCALAR, SCALAR, SCALAR, several)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_it_saves_one_hostile_field_as_typed_or_refuses_it_at_that_field(client, places, case):  # noqa: F811
    # The persona fills in the form as the page renders it, then changes ONE field to
    # something hostile; the rest stays valid.
    client.force_login(places["users"][case.persona])
    url = url_for(case.url, case.source, places)
    page = client.get(url)
    assert page.status_code == 200, url
    form = rendered_form(client, url, method="post")
    fields = fields_by_name(page.context)
    valid = form.data(valid_overrides(form, fields, case.extra))
    names = typed_fields(form, fields)
    assert names, f"{case.id}: no field to type into"
    with transaction.atomic():
        answer = client.post(form.action, valid)
        transaction.set_rollback(True)
    assert answer.status_code == 302, (case.id, valid, _errors(answer))
    outcomes: Counter = Counter()

    @settings(max_examples=EXAMPLES)
    @given(key=st.sampled_from(names), data=st.data())
    def check(key, data):
        django_form, name = fields[key]
        value = data.draw(hostile_for(key, django_form.fields[name], valid.get(key)), "value")
        note(f"{case.id}: {key} = {value!r}")
        with transaction.atomic():
            before = fingerprint()
            answer = client.post(form.action, {**valid, key: value})
            assert answer.status_code in (200, 302), (key, value, answer.status_code)
            if answer.status_code == 302:
                outcomes["saved"] += 1
                _assert_stored_as_typed(
                    client, case, url, answer["Location"], key, value, fields, valid
                )
            else:
                outcomes["refused"] += 1
                _assert_refused_at_the_field(answer, key, value, django_form.fields[name])
                after = fingerprint()
                changed = sorted(label for label in before if before[label] != after[label])
                assert not changed, f"{key}={value!r} refused, yet {changed} changed"
            transaction.set_rollback(True)

    check()
    print(f"{case.id}: {dict(outcomes)}")
    # Hostile text that is still text (markup, SQL, direction marks, other planes) saves;
    # a form of choices and dates (a plan, preferences) refuses most, but not all.
    # The floor follows the share of free-text fields among those drawn from: a tenth of the
    # examples on a form of text alone, less on one of mostly choices.
    free_text = [k for k in names if type(fields[k][0].fields[fields[k][1]]) in FREE_TEXT]
    floor = sum(outcomes.values()) * len(free_text) // (10 * len(names))
    assert outcomes["saved"] >= max(1, floor), (case.id, dict(outcomes))


def _errors(answer) -> dict:
    """Errors by POST name; a formset's or a form's own errors under "<prefix>-__all__"."""
    if answer.context is None:
        return {}
    found = {
        key: form.errors[name]
        for key, (form, name) in fields_by_name(answer.context).items()
        if name in form.errors
    }
    contexts = answer.context if isinstance(answer.context, list) else [answer.context]
    for value in [v for ctx in contexts for v in ctx.flatten().values()]:
        if isinstance(value, forms.BaseFormSet) and value.is_bound and value.non_form_errors():
            found[f"{value.prefix}-__all__"] = value.non_form_errors()
        elif isinstance(value, forms.BaseForm) and value.is_bound and value.non_field_errors():
            found[f"{value.prefix or ''}-__all__"] = value.non_field_errors()
    return found


def _assert_refused_at_the_field(answer, key: str, value, field_: forms.Field) -> None:
    """The error is at the field; or, when the field takes the value by itself, a rule
    tying it to another field (a resolution needs its challenge ticked) says so there."""
    errors = _errors(answer)
    if key in errors:
        return
    try:
        field_.clean(as_read(field_, key, value))
    except ValidationError:
        pytest.fail(f"{key}={value!r} refused, but errors are at {sorted(errors)}")
    assert errors, f"{key}={value!r} refused without an error shown"


def as_read(field_: forms.Field, key: str, value):
    """What the field gets from a POST of `value` under `key`: its widget reads the data as
    the form does (the last of several values; a checkbox's "0" is ticked)."""
    data = MultiValueDict({key: value if isinstance(value, list) else [value]})
    return field_.widget.value_from_datadict(data, {}, key)


def _assert_stored_as_typed(client, case, url, location, key, value, fields, valid) -> None:
    page = edit_page_after(case, url, location)
    django_form, name = fields[key]
    if page is None or django_form.empty_permitted:
        return  # nowhere to read it back; or a blank row, which a value need not create
    field_ = django_form.fields[name]
    if field_.disabled:
        value = valid.get(key, "")  # a disabled field ignores what is sent
    try:
        expected = comparable(field_.clean(as_read(field_, key, value)))
    except ValidationError as error:
        pytest.fail(f"{key}={value!r} saved although its field refuses it: {error}")
    shown = shown_value(client, page, key)
    if isinstance(field_.widget, forms.TextInput) and isinstance(expected, str):
        # A one-line input: a browser strips line breaks from its value, and a form may
        # write a name on one line (partners: "baris\r\ndua" is saved as "baris dua").
        shown, expected = " ".join(str(shown).split()), " ".join(expected.split())
    assert shown == expected, (key, value)
