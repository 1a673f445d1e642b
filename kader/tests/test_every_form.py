"""Property-based tests (hypothesis) over every form the app serves, through the views.

For each form, hypothesis fills every field it finds on the page with something: a valid
value, script tags, quotes, SQL fragments, odd Unicode (NUL included), 10,000 characters,
numbers out of range, other users' ids, the field missing or sent twice. It is submitted
by the persona who may use the form and by one who may not change that object. Neither
may get a server error, and the rows that persona may not change are compared before and
after (within a transaction that is rolled back, so examples don't pile up).

`test_it_covers_every_form_class` fails when a form class (or filter set) of our apps,
or a form of a view in the URLconf, has no case here: a new form gets its case.
Examples per form: the hypothesis profile in the root conftest.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
from dataclasses import dataclass

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms.formsets import ManagementForm
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from accounts import two_factor
from accounts.security import AdminLoginForm, LoginForm
from core.testing import RenderedForm, forms_in, pick
from dashboard.forms import DashboardFilterForm
from evaluations import forms as evaluation_forms
from evaluations.filters import EvaluationFilter, ReminderFilter
from factories import (
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    SuccessIndicatorFactory,
)
from kader.tests.test_permission_matrix import PATTERNS, kwargs_for, world  # noqa: F401
from partners import forms as partner_forms
from partners.filters import AgreementFilter, PartnerFilter
from programs import forms as program_forms
from programs.filters import CadreFilter, ProgramFilter
from programs.models import PendingImport
from programs.views.sessions import SessionFilter

pytestmark = pytest.mark.django_db

APPS = ("kader", "partners", "programs", "evaluations")
# Snapshotted before and after each submission: our apps, users, second-factor devices.
SNAPSHOT_APPS = (*APPS, "auth", "otp_totp", "otp_static")
# Changes by themselves on any login; not data a form changes.
IGNORED = {"last_login"}
# Reference data that no form writes (the admin does): large, so left out of the snapshot.
READ_ONLY = {"partners.Province", "partners.Region", "auth.Permission", "auth.Group"}
# Whose row it is, for the rows a mentor may change: their own, nobody else's.
OWNER = {
    "auth.User": "id",
    "programs.Session": "mentorship__mentor__user",
    "programs.DevelopmentGoal": "mentorship__mentor__user",
    "evaluations.Evaluation": "evaluator",
    "evaluations.IndicatorResult": "evaluation__evaluator",
    "evaluations.HealthRating": "evaluation__evaluator",
    "evaluations.ActionItem": "evaluation__evaluator",
    "evaluations.Reminder": "evaluation__evaluator",
    "evaluations.ReminderPreference": "user",
    "kader.CalendarFeed": "user",
    "otp_totp.TOTPDevice": "user",
    "otp_static.StaticDevice": "user",
    "otp_static.StaticToken": "device__user",
}
SEES_ALL = ("coordinator", "admin")
MISSING = object()

SCRIPT = "<script>alert('kader-xss')</script>"
PAYLOADS = [
    SCRIPT,
    "\"'><img src=x onerror=alert(1)>",
    "'; DROP TABLE partners_partner; --",
    "1 OR 1=1",
    "x" * 10_000,
    "a\x00b",
    "\u202e\ufeffＡ𝔘 \U0001f600 \u0301\u200d",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "",
]
# Any code point but the surrogates (which no browser can send as UTF-8).
ODD_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
HOSTILE = st.one_of(st.sampled_from(PAYLOADS), ODD_TEXT)


@dataclass(frozen=True)
class Case:
    """One form as a view serves it: who may use it, who may not, what it may change."""

    url: str  # URL name submitted to
    source: str | None  # which object of `world` fills the URL (as in the permission matrix)
    forms: tuple  # the form classes (or filter sets) it covers
    allowed: str  # the persona who may use it
    forbidden: str | None  # a persona who may not change that object
    writes: frozenset = frozenset()  # model labels the allowed persona may change
    page: str | None = None  # where the form is shown, when the URL only takes POST
    method: str = "post"
    fields: tuple = ()  # POST names of a view without a form class

    @property
    def id(self) -> str:
        names = "+".join(getattr(f, "__name__", str(f)) for f in self.forms) or "-"
        return f"{self.url}[{names}]"


def w(*labels: str) -> frozenset:
    """Model labels, with the history model of each (django-simple-history)."""
    found = set(labels)
    for label in labels:
        app, name = label.split(".")
        try:
            apps.get_model(app, f"Historical{name}")
            found.add(f"{app}.Historical{name}")
        except LookupError:
            pass
    return frozenset(found)


P, G, E = partner_forms, program_forms, evaluation_forms
AGREEMENT = w("partners.Agreement", "partners.AgreementParty", "partners.SuccessIndicator")
EVALUATION = w(
    "evaluations.Evaluation",
    "evaluations.IndicatorResult",
    "evaluations.HealthRating",
    "evaluations.ActionItem",
    "evaluations.Reminder",
)
OTP = w("otp_totp.TOTPDevice", "otp_static.StaticDevice", "otp_static.StaticToken")
CASES = [
    # partners
    Case("partners:partner_create", None, (P.PartnerForm, P.ContactForm), "coordinator",
         "mentor_a", w("partners.Partner", "partners.Contact")),
    Case("partners:partner_edit", "partner", (P.PartnerForm, P.ContactForm), "coordinator",
         "mentor_a", w("partners.Partner", "partners.Contact")),
    Case("partners:communication_create", "partner", (P.CommunicationLogForm,), "coordinator",
         "mentor_a", w("partners.CommunicationLog")),
    Case("partners:communication_edit", "log", (P.CommunicationLogForm,), "coordinator",
         "mentor_a", w("partners.CommunicationLog")),
    Case("partners:agreement_create", None, (P.AgreementForm, P.PartyForm, P.IndicatorForm),
         "coordinator", "mentor_a", AGREEMENT),
    Case("partners:agreement_edit", "agreement",
         (P.AgreementForm, P.PartyForm, P.IndicatorForm), "coordinator", "mentor_a", AGREEMENT),
    Case("partners:agreement_terminate", "agreement", (P.TerminateForm,), "coordinator",
         "mentor_a", AGREEMENT | EVALUATION),
    Case("partners:agreement_renew", "agreement", (P.RenewForm,), "coordinator", "mentor_a",
         AGREEMENT | EVALUATION),
    Case("partners:document_upload", "agreement", (P.DocumentForm,), "coordinator", "mentor_a",
         w("partners.AgreementDocument"), page="partners:agreement_detail"),
    # programs
    Case("programs:program_create", None, (G.ProgramForm,), "coordinator", "mentor_a",
         w("programs.Program")),
    Case("programs:program_edit", "program", (G.ProgramForm,), "coordinator", "mentor_a",
         w("programs.Program")),
    Case("programs:enrolment_create", "program", (G.EnrolmentCreateForm,), "coordinator",
         "mentor_a", w("programs.Enrolment")),
    # A pair ended or made changes its mentor's kept count of active pairs (a database
    # trigger, programs/mentor_load.py): the profile's row.
    Case("programs:enrolment_edit", "enrolment", (G.EnrolmentForm,), "coordinator", "mentor_a",
         w("programs.Enrolment", "programs.Mentorship", "programs.MentorProfile")),
    # A pairing tells the mentor through the outbox: a reminder row.
    Case("programs:pairing", "enrolment", (G.PairingForm,), "coordinator", "mentor_a",
         w("programs.Mentorship", "programs.Enrolment", "evaluations.Reminder",
           "programs.MentorProfile")),
    Case("programs:cadre_create", None, (G.CadreForm,), "coordinator", "mentor_a",
         w("programs.Cadre")),
    Case("programs:cadre_edit", "cadre", (G.CadreForm,), "coordinator", "mentor_a",
         w("programs.Cadre")),
    Case("programs:background_edit", "cadre", (G.BackgroundForm,), "coordinator", "mentor_a",
         w("programs.CadreBackground")),
    Case("programs:background_fields", None, (G.BackgroundFieldForm,), "coordinator",
         "mentor_a", w("programs.BackgroundField")),
    Case("programs:background_field_edit", "field", (G.BackgroundFieldForm,), "coordinator",
         "mentor_a", w("programs.BackgroundField")),
    Case("programs:mentor_create", None, (G.MentorProfileForm,), "coordinator", "mentor_a",
         w("programs.MentorProfile")),
    Case("programs:mentor_edit", "profile", (G.MentorProfileForm,), "coordinator", "mentor_b",
         w("programs.MentorProfile")),
    Case("programs:cadre_import", None, (G.CadreImportUploadForm,), "coordinator", "mentor_a",
         w("programs.PendingImport")),
    Case("programs:cadre_import", "import", (G.CadreImportMappingForm,), "coordinator",
         "mentor_a", w("programs.Cadre", "programs.PendingImport")),
    Case("programs:goal_create", "mentorship", (G.GoalForm,), "mentor_a", "mentor_b",
         w("programs.DevelopmentGoal")),
    Case("programs:goal_progress", "goal", (G.GoalProgressForm,), "mentor_a", "mentor_b",
         w("programs.DevelopmentGoal")),
    Case("programs:session_create", None, (G.SessionForm,), "mentor_a", "mentor_b",
         w("programs.Session")),
    Case("programs:session_edit", "session", (G.SessionForm,), "mentor_a", "mentor_b",
         w("programs.Session")),
    # evaluations
    Case("evaluations:evaluation_fill", "evaluation",
         (E.FindingsForm, E.HealthRatingForm, E.ActionItemForm), "mentor_a", "mentor_b",
         EVALUATION),
    Case("evaluations:evaluation_fill", "agreement_evaluation",
         (E.FindingsForm, E.IndicatorResultForm, E.HealthRatingForm, E.ActionItemForm),
         "coordinator", "mentor_a", EVALUATION),
    Case("evaluations:evaluation_review", "submitted", (E.ReviewForm,), "coordinator",
         "mentor_a", EVALUATION, page="evaluations:evaluation_detail"),
    Case("evaluations:evaluation_plan", "evaluation", (E.PlanForm,), "coordinator", "mentor_a",
         EVALUATION),
    Case("evaluations:preferences", None, (E.PreferenceForm,), "mentor_a", "outsider",
         w("evaluations.ReminderPreference")),
    # kader: calendar, two-factor, dashboard
    Case("dashboard:calendar_settings", None, (), "mentor_a", "outsider", w("kader.CalendarFeed"),
         fields=("action",)),
    Case("two_factor_setup", None, (two_factor.TokenForm,), "mentor_a", "anonymous", OTP),
    Case("two_factor_verify", "device", (two_factor.TokenForm,), "mentor_a", "anonymous", OTP),
    Case("home", None, (DashboardFilterForm,), "coordinator", "mentor_a", method="get"),
    # lists: their filter forms
    Case("partners:partner_list", None, (PartnerFilter,), "coordinator", "mentor_a",
         method="get"),
    Case("partners:agreement_list", None, (AgreementFilter,), "coordinator", "mentor_a",
         method="get"),
    Case("programs:program_list", None, (ProgramFilter,), "coordinator", "mentor_a",
         method="get"),
    Case("programs:cadre_list", None, (CadreFilter,), "coordinator", "mentor_a", method="get"),
    Case("evaluations:evaluation_list", None, (EvaluationFilter,), "coordinator", "mentor_a",
         method="get"),
    Case("evaluations:reminder_list", None, (ReminderFilter,), "coordinator", "mentor_a",
         method="get"),
    Case("programs:session_list", None, (SessionFilter,), "mentor_a", "mentor_b", method="get"),
    # accounts (Django's forms, our templates)
    Case("login", None, (LoginForm, auth_forms.AuthenticationForm), "anonymous", None),
    Case("admin:login", None, (AdminLoginForm,), "anonymous", None),
    Case("password_change", None, (auth_forms.PasswordChangeForm,), "mentor_a", "anonymous",
         w("auth.User")),
    Case("password_reset", None, (auth_forms.PasswordResetForm,), "anonymous", None),
    # Anonymous with mentor A's e-mailed link may set her password; with a forged link not.
    Case("password_reset_confirm", "reset_link", (auth_forms.SetPasswordForm,), "anonymous",
         "anonymous_forged", w("auth.User")),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploads are written before the transaction is rolled back: keep them out of var/.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def places(world):  # noqa: F811
    """The world of the permission matrix, plus what some forms need to be shown."""
    agreement = AgreementFactory(formality="formal", status="active")
    SuccessIndicatorFactory(agreement=agreement)
    coordinator, mentor_a = world["users"]["coordinator"], world["users"]["mentor_a"]
    submitted = EvaluationFactory(
        agreement=None,
        mentorship=MentorshipFactory(mentor=world["profile"]),
        evaluator=mentor_a,
        status="submitted",
        findings="Berjalan baik.",
    )
    return {
        **world,
        "agreement_evaluation": EvaluationFactory(agreement=agreement, evaluator=coordinator),
        "submitted": submitted,
    }


# --- what is on the page ------------------------------------------------------------------


def url_for(name: str, source: str | None, places: dict) -> str:
    if source == "reset_link":
        user = places["users"]["mentor_a"]
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return reverse(name, args=[uid, default_token_generator.make_token(user)])
    if source in ("import", "device"):
        source = None
    return reverse(name, kwargs=kwargs_for(name, source, places))


def forms_on(context, wanted: tuple) -> list[forms.BaseForm]:
    """The forms of the wanted classes in a response's context, formsets' forms included."""
    found: list[forms.BaseForm] = []
    contexts = [] if context is None else context if isinstance(context, list) else [context]
    for value in [v for ctx in contexts for v in ctx.flatten().values()]:
        if isinstance(value, django_filters.FilterSet) and isinstance(value, wanted):
            value.form.shown_by = type(value)  # the filter set's form class is made on the fly
            candidates = [value.form]
        elif isinstance(value, forms.BaseFormSet) and issubclass(value.form, wanted):
            # Plus one blank row after the last, as the page's "Add another" button adds.
            blank = value.empty_form
            blank.prefix = value.add_prefix(len(value.forms))
            candidates = [value.management_form, *value.forms, blank]
        elif isinstance(value, wanted):
            candidates = [value]
        else:
            continue
        found += [c for c in candidates if all(c is not f for f in found)]
    return found


def good_value(field: forms.Field, bound: forms.BoundField):
    """A value the field would take, so that the hostile values elsewhere reach the save."""
    if isinstance(field, forms.FileField):
        return MISSING
    if isinstance(field, forms.ModelMultipleChoiceField):
        first = field.queryset.order_by("pk").first()
        return [str(first.pk)] if first else MISSING
    if isinstance(field, forms.ModelChoiceField):
        first = field.queryset.order_by("pk").first()
        return str(first.pk) if first else MISSING
    if isinstance(field, forms.MultipleChoiceField):
        return [str(v) for v, _label in field.choices][:2]
    if isinstance(field, forms.ChoiceField):
        values = [str(v) for v, _label in field.choices if v not in ("", None)]
        if values and not isinstance(values[0], str | int):
            values = []
        return values[0] if values else MISSING
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.DateField):
        return (dt.date.today() - dt.timedelta(days=2)).isoformat()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "10"
    if isinstance(field, forms.EmailField):
        return "someone@example.org"
    if isinstance(field, forms.URLField):
        return "https://example.org/"
    if type(field).__name__.startswith("PhoneNumber"):
        return "+6281234567890"
    initial = bound.value()
    if initial not in (None, "") and not isinstance(initial, list | dict):
        return str(initial)
    return "Nilai biasa"


def field_plan(found: list[forms.BaseForm]) -> dict[str, tuple[forms.Field, object]]:
    """Every field name on the page: its field and a good value."""
    plan = {}
    for form in found:
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            if isinstance(form, ManagementForm):
                shown = int(form[name].value() or 0)
                plan[key] = (field, str(shown + 1 if name == "TOTAL_FORMS" else shown))
            elif isinstance(field, forms.MultiValueField):
                for n, sub in enumerate(field.fields):
                    plan[f"{key}_{n}"] = (sub, "")
            else:
                plan[key] = (field, good_value(field, form[name]))
    return plan


def other_ids(places: dict) -> list[str]:
    """Ids that belong to someone else: mentor B's user, A's objects, one that exists nowhere."""
    return [
        str(places["users"]["mentor_b"].pk),
        str(places["session"].pk),
        str(places["mentorship"].pk),
        str(places["agreement"].pk),
        "2147483648",
    ]


def value_strategy(key: str, field: forms.Field, good, ids: list[str]):
    if key.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
        # Mostly right, so the formset's forms are read; sometimes not.
        return st.one_of(st.just(good), st.just(good), st.just(good), HOSTILE)
    single = st.one_of(HOSTILE, st.sampled_from(ids))
    options = [st.just(MISSING), single, st.lists(single, min_size=2, max_size=3)]
    if good is not MISSING:
        options = [st.just(good), st.just(good), *options]
        options.append(st.lists(st.one_of(st.just(good), single), min_size=2, max_size=3))
    return st.one_of(options)


@st.composite
def submissions(draw, plan: dict, ids: list[str], extra: tuple = ()):
    data = {}
    for key, (field, good) in plan.items():
        value = draw(value_strategy(key, field, good, ids))
        if value is not MISSING:
            data[key] = value
    for key in extra:
        # Named buttons and actions: present or not, sensible or not.
        value = draw(
            st.one_of(
                st.just(MISSING), st.sampled_from(["create", "regenerate", "revoke", "1"]), HOSTILE
            )
        )
        if value is not MISSING:
            data[key] = value
    return data


def flatten(value):
    """Django's test client sends a list as the same name repeated."""
    if isinstance(value, list):
        return [v for item in value for v in (item if isinstance(item, list) else [item])]
    return value


UPLOADS = st.tuples(
    st.sampled_from(["a.csv", "b.xlsx", "c.pdf", "d.png", "e.jpg", "f.exe", "../../g.csv",
                     "h\u202e.pdf", "x" * 300 + ".csv"]),
    st.one_of(
        st.binary(max_size=300),
        st.just(b"%PDF-1.4\n%%EOF\n"),
        st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=200).map(str.encode),
        st.just(b"full_name,email\nSiti <script>,siti@example.org\n=1+1,\x00\n"),
    ),
)  # fmt: skip


# --- who submits, and what must not change -------------------------------------------------


def protected(case: Case, persona: str, places: dict) -> dict:
    """Per model, the rows the persona may not change through this form."""
    user = places["users"].get(persona)
    found = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in SNAPSHOT_APPS or label in READ_ONLY:
            continue
        if model.__name__.startswith("Historical"):
            continue  # a change to the history means a change to its model, checked there
        queryset = model._default_manager.all()
        if label in case.writes:
            if persona == case.allowed and persona in SEES_ALL:
                continue  # a coordinator may change any of these through this form
            if label in OWNER and user is not None:
                queryset = queryset.exclude(**{OWNER[label]: user.pk})
            elif persona == case.allowed and persona.startswith("anonymous"):
                # Someone with mentor A's reset link may change mentor A's row only.
                queryset = queryset.exclude(pk=places["users"]["mentor_a"].pk)
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED]
        found[label] = queryset.order_by("pk").values_list(*columns)
    return found


FINGERPRINT = (
    "SELECT %s, count(*), md5(coalesce(string_agg(r.t, ',' ORDER BY r.t), '')) "
    "FROM (SELECT row(s.*)::text AS t FROM ({query}) s) r"
)


def snapshot(case: Case, persona: str, places: dict) -> dict:
    """A fingerprint of every protected row: one query on PostgreSQL, the rows elsewhere."""
    querysets = protected(case, persona, places)
    if connection.vendor != "postgresql":
        return {label: list(queryset) for label, queryset in querysets.items()}
    parts, params = [], []
    for label, queryset in querysets.items():
        sql, sql_params = queryset.query.sql_with_params()
        # `sql` is Django's own compiled query; its parameters stay parameters.
        parts.append(FINGERPRINT.replace("{query}", sql))
        params += [label, *sql_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def log_in(client, persona: str, places: dict) -> None:
    client.logout()
    if not persona.startswith("anonymous"):
        client.force_login(places["users"][persona])


def prepare(client, case: Case, places: dict, persona: str) -> str:
    """The URL to submit to, with whatever the session must hold first."""
    pending = None
    if case.source == "import" and persona in places["users"]:
        pending = PendingImport.start(
            owner=places["users"][persona],
            file_name="kader.csv",
            headers=["full_name", "email", "province"],
            rows=[[2, ["Siti Aminah", "siti@example.org", "Jawa Barat"]], [3, ["", "x", "?"]]],
        )
    if case.source == "device" and persona in places["users"]:
        # Someone with a confirmed device, logged in, owes a code.
        TOTPDevice.objects.create(user=places["users"][persona], name="phone", confirmed=True)
    url = url_for(case.url, case.source, places)
    if case.source == "reset_link":
        if persona == "anonymous_forged":
            return url.replace(url.rstrip("/").rsplit("/", 1)[1], "set-password-forged")
        response = client.get(url)  # Django stores the token, then sends to "set-password"
        return response["Location"]
    return f"{url}?pending={pending.pk}" if pending else url


def submit(client, case: Case, places: dict, persona: str, data: dict, upload=None):
    """Submit as the persona; return the answer and what changed that should not have."""
    with transaction.atomic():
        log_in(client, persona, places)
        url = prepare(client, case, places, persona)
        before = snapshot(case, persona, places)
        payload = {k: flatten(v) for k, v in data.items()}
        if upload is not None:
            name, content = upload
            payload["file"] = SimpleUploadedFile(name, content)
        response = getattr(client, case.method)(url, payload)
        after = snapshot(case, persona, places)
        transaction.set_rollback(True)
    changed = {label for label in before if before[label] != after[label]}
    return response, changed


def discover(client, case: Case, places: dict) -> dict:
    """The fields of the case's forms, as the allowed persona sees the page."""
    with transaction.atomic():
        log_in(client, case.allowed, places)
        url = prepare(client, case, places, case.allowed)
        if case.page:
            url = reverse(case.page, kwargs=kwargs_for(case.page, case.source, places))
        response = client.get(url)
        assert response.status_code == 200, (case.id, response.status_code)
        found = forms_on(response.context, case.forms) if case.forms else []
        transaction.set_rollback(True)
    shown = {getattr(f, "shown_by", type(f)) for f in found}
    for cls in case.forms:
        assert any(issubclass(s, cls) for s in shown), f"{case.id}: {cls.__name__} not on page"
    return field_plan(found)


# --- the properties -----------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_no_form_gives_a_server_error_or_changes_what_it_may_not(client, places, case):
    # The allowed persona, then one who may not change that object, submit the same values.
    plan = discover(client, case, places)
    ids = other_ids(places)
    uploads = UPLOADS if any(isinstance(f, forms.FileField) for f, _g in plan.values()) else None

    @given(
        data=submissions(plan, ids, case.fields), upload=st.none() if uploads is None else uploads
    )
    def check(data, upload):
        for persona in (case.allowed, case.forbidden):
            if persona is None:
                continue
            response, changed = submit(client, case, places, persona, data, upload)
            assert response.status_code < 500, (persona, data)
            assert not changed, f"{persona} changed {sorted(changed)} through {case.id}"

    check()


TEXT_FIELDS = (forms.CharField,)


def page_form(client, case: Case, places: dict, plan: dict) -> RenderedForm:
    """The case's form as the allowed persona's browser has it (forms_as_rendered.py)."""
    with transaction.atomic():
        log_in(client, case.allowed, places)
        url = prepare(client, case, places, case.allowed)
        page = (
            reverse(case.page, kwargs=kwargs_for(case.page, case.source, places))
            if case.page
            else url
        )
        response = client.get(page)
        assert response.status_code == 200, (case.id, response.status_code)
        found = forms_in(response.content.decode(), page)
        transaction.set_rollback(True)
    wanted = [key for key in plan if not key.endswith("_FORMS")]
    return pick(found, method=case.method, has=wanted[0] if wanted else None)


@pytest.mark.parametrize("case", [c for c in CASES if c.forms], ids=lambda c: c.id)
def test_a_nul_character_is_a_field_error_not_a_crash(client, places, case):
    # The allowed persona sends the form as her page renders it, a good value where it
    # leaves a field blank, and a NUL inside every text field it shows.
    plan = discover(client, case, places)
    form = page_form(client, case, places, plan)
    data = form.data()
    for key, (_field, good) in plan.items():
        if key in form.names and data.get(key) in (None, "") and good is not MISSING:
            data[key] = good
    nul = [
        key
        for key, (field, _good) in plan.items()
        if isinstance(field, TEXT_FIELDS) and not key.endswith("_FORMS") and key in form.names
    ]
    # A form without text fields gets the NUL in every other field it reads (choices, dates,
    # numbers, ids): no field error can be required of a checkbox, but no crash either.
    crash_only = not nul
    if crash_only:
        nul = [key for key in plan if not key.endswith("_FORMS") and key in form.names]
    for key in nul:
        data[key] = "Sari\x00Budi"
    with transaction.atomic():
        log_in(client, case.allowed, places)
        url = prepare(client, case, places, case.allowed)
        response = getattr(client, case.method)(form.action if case.page else url, data)
        transaction.set_rollback(True)
    assert response.status_code < 500, (case.id, response.status_code)
    if crash_only:
        return
    assert response.status_code == 200, (case.id, response.status_code)
    errors = set()
    for form in forms_on(response.context, case.forms):
        errors |= {form.add_prefix(name) for name in form.errors}
    # Every text field that the view read reports the NUL, at the field.
    assert errors & set(nul), (case.id, nul, errors)


# --- coverage -----------------------------------------------------------------------------


def our_form_classes() -> set[type]:
    """Every form class and filter set defined in our apps' modules."""
    for app in APPS:
        for module in ("forms", "filters", "views", "dashboard", "sessions", "two_factor"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app}.{module}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    bases = (forms.BaseForm, django_filters.FilterSet)
    return {
        cls
        for base in bases
        for cls in subclasses(base)
        if cls.__module__.split(".")[0] in APPS
        and ".tests" not in cls.__module__
        # django-filter's CompactFilterSet is a base for the others, never shown itself.
        and not cls.__name__.startswith("Compact")
        # Formset-made classes and filter-made forms are named after their parents.
        and cls.__module__ != "django.forms.formsets"
        and not (issubclass(cls, forms.BaseForm) and cls.__name__.endswith("FilterForm")
                 and cls is not DashboardFilterForm)
    }  # fmt: skip


def url_form_classes() -> set[type]:
    """The form classes of class-based views in the URLconf (Django's auth views)."""
    from django.urls import resolve

    found = set()
    for name, route in PATTERNS.items():
        if name.startswith("admin:") or "<" in route:
            view = None
            if name == "password_reset_confirm":
                view = resolve(reverse(name, args=["MQ", "x-y"])).func
        else:
            view = resolve("/" + route).func
        form_class = getattr(getattr(view, "view_class", None), "form_class", None)
        if form_class is not None:
            found.add(form_class)
    return found


def test_it_covers_every_form_class():
    # A form (or filter set) that no case submits fails here until it gets its case.
    covered = {cls for case in CASES for cls in case.forms}
    missing = sorted(cls.__qualname__ for cls in our_form_classes() - covered)
    assert not missing, f"forms with no case in test_every_form.py: {missing}"
    missing_views = sorted(c.__name__ for c in url_form_classes() - covered)
    assert not missing_views, f"forms of URL views with no case: {missing_views}"
    assert len(covered) >= 40
