"""Every URL of the URLconf × every persona × GET and POST, against a declared matrix.

The URL patterns are enumerated from the resolver, so a new page that is not declared in
MATRIX (or covered by the admin rule) fails `test_it_declares_every_url_pattern`.

Each entry says which object fills the URL's parameters (mentor A's, where there is an
owner) and what each persona gets, in the order of PERSONAS:
  L = sent to the login page, N = 404, O = allowed (2xx, or a redirect that is not to
  the login page), M = 405 (method not allowed), F = 403.
Mentor B always tries mentor A's objects, so "is not theirs" is checked for every owned
object; forbidden objects answer 404 so that their existence does not leak.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from factories import (
    ActionItemFactory,
    AgreementDocumentFactory,
    AgreementFactory,
    CommunicationLogFactory,
    DevelopmentGoalFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    ProgramFactory,
    ReminderFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "mentor_a", "mentor_b", "coordinator", "admin")

# name: (parameter source, GET expectations, POST expectations)
# A page of another role answers 404 like a missing one, lists and "new" pages included
# (never 403: issue 15); POST-only actions answer 405 to GET before anything else.
MATRIX: dict[str, tuple[str | None, str, str]] = {
    #                                    source        GET       POST
    "bench_floor": (None, "LOOOOO", "LOOOOO"),
    "bench_layout": (None, "LOOOOO", "LOOOOO"),
    "evaluations:agreement_plan": ("agreement", "MMMMMM", "LNNNOO"),
    "evaluations:evaluation_detail": ("evaluation", "LNONOO", "LNONOO"),
    "evaluations:evaluation_fill": ("evaluation", "LNONOO", "LNONOO"),
    "evaluations:evaluation_list": (None, "LNNNOO", "LNNNOO"),
    "evaluations:evaluation_plan": ("evaluation", "LNNNOO", "LNNNOO"),
    "evaluations:evaluator_lookup": (None, "LNNNOO", "MMMMMM"),
    "evaluations:evaluation_review": ("evaluation", "MMMMMM", "LNNNOO"),
    "evaluations:my_evaluations": (None, "LNOOOO", "LNOOOO"),
    "evaluations:preferences": (None, "LNOOOO", "LNOOOO"),
    "evaluations:inbox": (None, "LNOOOO", "LNOOOO"),
    # The providers' callbacks: no login, a signature instead (401 without one, for anyone).
    "evaluations:webhook_whatsapp": (None, "UUUUUU", "UUUUUU"),
    "evaluations:webhook_sms": (None, "MMMMMM", "UUUUUU"),
    # Only the recipient opens a reminder from their inbox (mentor A's, sent).
    "evaluations:inbox_open": ("reminder", "LNONNN", "LNONNN"),
    "evaluations:reminder_list": (None, "LNNNOO", "LNNNOO"),
    "evaluations:reminder_retry": ("reminder", "MMMMMM", "LNNNOO"),
    "two_factor_setup": (None, "LOOOOO", "LOOOOO"),
    "two_factor_verify": (None, "LOOOOO", "LOOOOO"),
    "mobile_settings": (None, "LOOOOO", "LOOOOO"),
    "healthz": (None, "OOOOOO", "MMMMMM"),
    "web_manifest": (None, "OOOOOO", "MMMMMM"),  # public: fetched without the login's cookie
    "service_worker": (None, "OOOOOO", "MMMMMM"),  # public: the browser fetches it itself
    "dashboard:refresh": (None, "LMMMMM", "LNNNOO"),
    "home": (None, "LOOOOO", "LOOOOO"),
    "keep_alive": (None, "MMMMMM", "UOOOOO"),
    "dashboard:agreement_pdf": ("agreement", "LNNNOO", "LNNNOO"),
    "dashboard:agreement_report": ("agreement", "LNNNOO", "LNNNOO"),
    "dashboard:calendar_feed": ("feed", "OOOOOO", "MMMMMM"),
    "dashboard:calendar_settings": (None, "LNOOOO", "LNOOOO"),
    "dashboard:export": ("export", "LNOOOO", "LNOOOO"),
    # Mentor A's own export: nobody else gets it, not a coordinator, not a superuser.
    "dashboard:export_detail": ("export_job", "LNONNN", "LNONNN"),
    "dashboard:export_download": ("export_job", "LNONNN", "LNONNN"),
    "dashboard:export_list": (None, "LNOOOO", "LNOOOO"),
    "dashboard:program_pdf": ("program", "LNNNOO", "LNNNOO"),
    "dashboard:program_report": ("program", "LNNNOO", "LNNNOO"),
    "programs:session_list": (None, "LNOOOO", "LNOOOO"),
    "login": (None, "OOOOOO", "OOOOOO"),
    "logout": (None, "MMMMMM", "LLLLLL"),
    "partners:agreement_activate": ("agreement", "MMMMMM", "LNNNOO"),
    "partners:agreement_create": (None, "LNNNOO", "LNNNOO"),
    "partners:agreement_detail": ("agreement", "LNNNOO", "LNNNOO"),
    "partners:agreement_edit": ("agreement", "LNNNOO", "LNNNOO"),
    "partners:agreement_end": ("agreement", "MMMMMM", "LNNNOO"),
    "partners:agreement_list": (None, "LNNNOO", "LNNNOO"),
    "partners:agreement_renew": ("agreement", "LNNNOO", "LNNNOO"),
    "partners:agreement_terminate": ("agreement", "LNNNOO", "LNNNOO"),
    "partners:communication_create": ("partner", "LNNNOO", "LNNNOO"),
    "partners:communication_edit": ("log", "LNNNOO", "LNNNOO"),
    "partners:document_delete": ("document", "MMMMMM", "LNNNOO"),
    "partners:document_download": ("document", "LNNNOO", "LNNNOO"),
    "partners:document_upload": ("agreement", "MMMMMM", "LNNNOO"),
    "partners:partner_archive": ("partner", "MMMMMM", "LNNNOO"),
    "partners:partner_create": (None, "LNNNOO", "LNNNOO"),
    "partners:partner_delete": ("partner", "MMMMMM", "LNNNOO"),
    "partners:partner_detail": ("partner", "LNNNOO", "LNNNOO"),
    "partners:partner_edit": ("partner", "LNNNOO", "LNNNOO"),
    "partners:partner_list": (None, "LNOOOO", "LNOOOO"),
    "partners:partner_lookup": (None, "LNOOOO", "MMMMMM"),
    "partners:coordinator_lookup": (None, "LNNNOO", "MMMMMM"),
    "partners:agreement_lookup": (None, "LNNNOO", "MMMMMM"),
    "offices:unit_lookup": (None, "LNNNOO", "MMMMMM"),
    "password_change": (None, "LOOOOO", "LOOOOO"),
    "password_change_done": (None, "LOOOOO", "LMMMMM"),
    "password_reset": (None, "OOOOOO", "OOOOOO"),
    "password_reset_complete": (None, "OOOOOO", "MMMMMM"),
    "password_reset_confirm": ("reset", "OOOOOO", "OOOOOO"),
    "password_reset_done": (None, "OOOOOO", "MMMMMM"),
    "programs:background_edit": ("cadre", "LNNNOO", "LNNNOO"),
    "programs:background_field_edit": ("field", "LNNNOO", "LNNNOO"),
    "programs:background_fields": (None, "LNNNOO", "LNNNOO"),
    "programs:cadre_create": (None, "LNNNOO", "LNNNOO"),
    "programs:cadre_detail": ("cadre", "LNNNOO", "LNNNOO"),
    "programs:cadre_edit": ("cadre", "LNNNOO", "LNNNOO"),
    "programs:cadre_import": (None, "LNNNOO", "LNNNOO"),
    "programs:cadre_list": (None, "LNNNOO", "LNNNOO"),
    "programs:city_options": (None, "LNNNOO", "LMMMMM"),
    "programs:enrolment_create": ("program", "LNNNOO", "LNNNOO"),
    "programs:enrolment_cadres": ("program", "LNNNOO", "MMMMMM"),
    "programs:enrolment_edit": ("enrolment", "LNNNOO", "LNNNOO"),
    "programs:goal_create": ("mentorship", "LNONOO", "LNONOO"),
    "programs:goal_progress": ("goal", "LNONOO", "LNONOO"),
    "programs:mentor_create": (None, "LNNNOO", "LNNNOO"),
    "programs:mentor_edit": ("profile", "LNNNOO", "LNNNOO"),
    "programs:mentor_home": (None, "LNOONO", "LNOONO"),
    "programs:mentor_list": (None, "LNNNOO", "LNNNOO"),
    "programs:mentor_lookup": ("enrolment", "LNNNOO", "MMMMMM"),
    "programs:mentorship_detail": ("mentorship", "LNONOO", "LNONOO"),
    "programs:mentorship_end": ("mentorship", "LMMMMM", "LNNNOO"),
    "programs:pairing": ("enrolment", "LNNNOO", "LNNNOO"),
    "programs:program_create": (None, "LNNNOO", "LNNNOO"),
    "programs:program_detail": ("program", "LNNNOO", "LNNNOO"),
    "programs:program_edit": ("program", "LNNNOO", "LNNNOO"),
    "programs:program_list": (None, "LNNNOO", "LNNNOO"),
    "programs:program_lookup": (None, "LNOOOO", "LMMMMM"),
    "programs:session_create": (None, "LNOONO", "LNOONO"),
    "programs:session_delete": ("session", "LNONNO", "LNONNO"),
    "programs:session_edit": ("session", "LNONNO", "LNONNO"),
    "set_language": (None, "OOOOOO", "OOOOOO"),
}

# Admin pages: only staff get in; everyone else is sent to the admin's login.
ADMIN_PREFIX = "admin:"


def all_patterns(resolver=None, namespace="", prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from all_patterns(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            REGEXES[namespace + str(entry.name)] = entry.pattern.regex
            yield namespace + str(entry.name), prefix + str(entry.pattern)


REGEXES = {}
PATTERNS = dict(all_patterns())
ADMIN_NAMES = sorted(n for n in PATTERNS if n.startswith(ADMIN_PREFIX))


def test_it_declares_every_url_pattern():
    # A new URL that nobody declared fails here until its expectations are written down.
    undeclared = sorted(n for n in PATTERNS if n not in MATRIX and not n.startswith(ADMIN_PREFIX))
    assert not undeclared, f"URL patterns missing from the permission matrix: {undeclared}"
    assert not sorted(set(MATRIX) - set(PATTERNS)), "matrix names a URL that no longer exists"


def test_no_page_answers_403_to_a_user_without_the_role():
    # Issue 15: coordinator-only lists answered 403 to mentors, telling them the page exists.
    forbidden = sorted(name for name, (_src, get, post) in MATRIX.items() if "F" in get + post)
    assert not forbidden, f"pages that answer 403 instead of 404: {forbidden}"


@pytest.fixture
def world(coordinator, mentor_a, mentor_b, outsider, admin, settings, tmp_path):
    """Mentor A's pair, goal, session, evaluation, reminder and finished export; a
    coordinator's agreement."""
    settings.MEDIA_ROOT = tmp_path / "media"
    agreement = AgreementFactory(formality="formal")
    partner = agreement.partners.get()
    program = ProgramFactory()
    profile_a = MentorProfileFactory(user=mentor_a)
    profile_b = MentorProfileFactory(user=mentor_b)
    pair_a = MentorshipFactory(mentor=profile_a, enrolment=EnrolmentFactory(program=program))
    MentorshipFactory(mentor=profile_b, enrolment=EnrolmentFactory(program=program))
    evaluation = EvaluationFactory(
        agreement=None, mentorship=pair_a, kind="periodic", evaluator=mentor_a
    )
    ActionItemFactory(evaluation=evaluation, owner=mentor_a)
    from dashboard.models import CalendarFeed
    from programs.models import BackgroundField

    field = BackgroundField.objects.first() or BackgroundField.objects.create(
        key="matrix", label="Matrix"
    )
    return {
        "users": {
            "outsider": outsider,
            "mentor_a": mentor_a,
            "mentor_b": mentor_b,
            "coordinator": coordinator,
            "admin": admin,
        },
        "agreement": agreement,
        "partner": partner,
        "document": AgreementDocumentFactory(agreement=agreement),
        "log": CommunicationLogFactory(partner=partner, agreement=agreement),
        "program": program,
        "enrolment": pair_a.enrolment,
        "cadre": pair_a.enrolment.cadre,
        "mentorship": pair_a,
        "profile": profile_a,
        "goal": DevelopmentGoalFactory(mentorship=pair_a),
        "session": SessionFactory(mentorship=pair_a, date=dt.date.today()),
        "evaluation": evaluation,
        "reminder": ReminderFactory(evaluation=evaluation, recipient=mentor_a, status="sent"),
        "field": field,
        "feed": CalendarFeed.objects.create(user=mentor_a),
        "export_job": _finished_export(mentor_a),
    }


def _finished_export(user):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from dashboard.models import Export

    now = timezone.now()
    export = Export.objects.create(
        requested_by=user,
        list_name="sessions",
        status=Export.Status.DONE,
        finished_at=now,
        expires_at=now + dt.timedelta(hours=24),
    )
    export.file.save("sessions.xlsx", ContentFile(b"PK not really a workbook"))
    return export


def kwargs_for(name: str, source: str | None, world) -> dict:
    if source is None:
        return {}
    if source == "export":
        return {"name": "sessions", "fmt": "csv"}
    if source == "feed":
        return {"token": world["feed"].token}
    if source == "reset":
        return {"uidb64": "MQ", "token": "set-password"}
    obj = world[source]
    params = list(_converters(PATTERNS[name]))
    return {params[0]: obj.pk}


def _converters(route: str):
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def outcome(response, login_url: str) -> str:
    code = response.status_code
    if code in (301, 302, 303):
        return "L" if response["Location"].startswith(login_url) else "O"
    if code == 404:
        return "N"
    if code == 401:
        return "U"  # a JSON endpoint's "log in again" (the login-expiry keep-alive)
    if code == 403:
        return "F"
    if code == 405:
        return "M"
    if 200 <= code < 300:
        return "O"
    return f"?{code}"


def observe(client, world, name: str, source, method: str, login_url: str) -> str:
    url = reverse(name, kwargs=kwargs_for(name, source, world))
    seen = ""
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world["users"][persona])
        # Each request is undone afterwards: one persona's delete doesn't hide the object
        # from the next persona.
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        seen += outcome(response, login_url)
    return seen


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_persona_gets_what_the_matrix_says(client, world, name):
    # Each persona in turn GETs then POSTs (empty form) the URL filled with mentor A's
    # or the coordinator's object.
    source, get_spec, post_spec = MATRIX[name]
    login = reverse("login")
    got_get = observe(client, world, name, source, "get", login)
    got_post = observe(client, world, name, source, "post", login)
    assert (got_get, got_post) == (get_spec, post_spec), f"{name}: personas {PERSONAS}"


def admin_url(name: str, device_pk: int) -> str:
    if name == "admin:None":
        # The admin's unnamed catch-all pattern.
        return "/admin/no-such-page/"
    if name == "admin:view_on_site":
        return reverse(name, kwargs={"content_type_id": "1", "object_id": "999999"})
    regex = REGEXES[name]
    if "otp_totp_totpdevice_" in name and regex.groups == 1:
        # django-otp's config and QR views expect an existing device (they 500 otherwise).
        return reverse(name, args=[device_pk])
    if regex.groupindex:
        values = {p: ("partners" if p == "app_label" else "999999") for p in regex.groupindex}
        return reverse(name, kwargs=values)
    return reverse(name, args=["999999"] * regex.groups)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_reach_the_admin(request, client, persona):
    # The persona opens (GET) and submits (POST) every admin page; object pages use an id
    # that does not exist. Only the admin gets in; everyone else meets the admin's login.
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    admin_login = reverse("admin:login")
    device = TOTPDevice.objects.create(user=UserFactory(username="otp_owner"), name="phone")
    for name in ADMIN_NAMES:
        url = admin_url(name, device.pk)
        for method in ("get", "post"):
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            assert response.status_code < 500, (method, url)
            if name == "admin:logout" and persona != "anonymous":
                # Logging out ends the session: log the persona in again.
                client.force_login(request.getfixturevalue(persona))
            if persona == "admin" and method == "get" and name.endswith("_changelist"):
                assert response.status_code == 200, url
            if persona == "admin" and method == "get" and name.endswith("_add"):
                # Some models are added only by the app (uploads, attempts): 403 there.
                assert response.status_code in (200, 403), url
            if persona == "admin" or name in ("admin:login", "admin:logout"):
                continue
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(admin_login), (method, url)


# --- Jurisdictions (issue 17) ------------------------------------------------------------
#
# The same URLs for the coordinators of a national deployment. The world's objects all lie in
# Kota Bandung (32.73) of the default organisation. In scope: the national coordinator (the
# `coordinator` above), the provincial one (Jawa Barat, 32) and Kota Bandung's own. Out of
# scope: the sibling district (Kabupaten Bandung, 32.04, same province) and a national
# coordinator of another organisation. In scope, each gets what the coordinator gets; out of
# scope, every page of an object answers 404 (lists and "new" pages open, and show none of
# it: test_jurisdiction_lists.py). Object-free sources: lists, exports, feeds, reset links.
IN_SCOPE = ("provincial", "district")
OUT_OF_SCOPE = ("sibling", "other_org")
SHARED_SOURCES = (None, "export", "feed", "reset", "field")


@pytest.fixture
def offices(world):
    from jurisdictions.models import Unit
    from partners.models import Agreement, Partner
    from programs.models import Cadre, MentorProfile, Program

    bandung = Unit.objects.get(code="32.73")
    for model in (Partner, Agreement, Program, Cadre, MentorProfile):
        model.objects.unscoped().update(unit=bandung)
    world["users"].update(
        provincial=UserFactory(username="prov", role="coordinator", unit="32"),
        district=UserFactory(username="kota", role="coordinator", unit="32.73"),
        sibling=UserFactory(username="kab", role="coordinator", unit="32.04"),
        other_org=UserFactory(
            username="lain", role="coordinator", unit="ID", unit__organisation="Yayasan Lain"
        ),
    )
    return world


def expected_for(persona: str, source, coordinator_gets: str) -> str:
    if persona in IN_SCOPE or source in SHARED_SOURCES or coordinator_gets != "O":
        return coordinator_gets
    return "N"


def observe_as(client, world, name, source, method, personas) -> str:
    url = reverse(name, kwargs=kwargs_for(name, source, world))
    seen = ""
    for persona in personas:
        client.logout()
        client.force_login(world["users"][persona])
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        seen += outcome(response, reverse("login"))
    return seen


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if not n.startswith("bench_")))
def test_every_office_gets_its_own_and_404_for_the_rest(client, offices, name):
    # The provincial, district, sibling-district and other-organisation coordinators each
    # GET then POST the URL filled with an object of Kota Bandung.
    source, get_spec, post_spec = MATRIX[name]
    coordinator_column = PERSONAS.index("coordinator")
    personas = IN_SCOPE + OUT_OF_SCOPE
    for method, spec in (("get", get_spec), ("post", post_spec)):
        want = "".join(expected_for(p, source, spec[coordinator_column]) for p in personas)
        got = observe_as(client, offices, name, source, method, personas)
        assert got == want, f"{name} {method.upper()}: personas {personas}"
