"""The Django admin at national scale: fixed query counts, no full counts, no big drop-downs."""

import pytest
from django.contrib.admin import site as admin_site
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.contrib.auth import get_user_model
from django.db import connection
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import admin_lists
from core.admin_lists import EstimatedCountPaginator, estimated_rows, planned_rows
from dashboard.models import CalendarFeed
from evaluations.models import ReminderPreference
from factories import (
    ActionItemFactory,
    AgreementPartyFactory,
    CommunicationLogFactory,
    ContactFactory,
    DevelopmentGoalFactory,
    EvaluationFactory,
    ReminderFactory,
    SessionFactory,
    SuccessIndicatorFactory,
    UserFactory,
)
from partners.models import Agreement, Partner, SuccessIndicator
from programs.models import (
    Cadre,
    DevelopmentGoal,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)

pytestmark = pytest.mark.django_db

# Tables with tens of thousands of rows or more at the national tier: a plain <select> of
# them on a change form would render every row.
BIG = {
    get_user_model(),
    Partner,
    Agreement,
    SuccessIndicator,
    Program,
    Cadre,
    Enrolment,
    MentorProfile,
    Mentorship,
    DevelopmentGoal,
    Session,
}
LEAN_WIDGETS = (
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)


def add_rows(n: int) -> None:
    """n more rows in every table an admin lists (with the chains their __str__ reads)."""
    for _ in range(n):
        session = SessionFactory()
        mentorship = session.mentorship
        DevelopmentGoalFactory(mentorship=mentorship)
        evaluation = EvaluationFactory(
            agreement=None, mentorship=mentorship, evaluator=mentorship.mentor.user
        )
        ActionItemFactory(evaluation=evaluation)
        ReminderFactory(evaluation=evaluation)
        party = AgreementPartyFactory()
        SuccessIndicatorFactory(agreement=party.agreement)
        ContactFactory(partner=party.partner)
        CommunicationLogFactory(partner=party.partner, agreement=party.agreement)
        ReminderPreference.objects.create(user=mentorship.mentor.user, muted_kinds=["overdue"])
        CalendarFeed.objects.create(user=UserFactory())


def admin_pages() -> list[str]:
    urls = []
    for model in admin_site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


def query_counts(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # Models added only by the app (uploads, login attempts) refuse the add page.
        assert response.status_code == 200 or url.endswith("/add/"), url
        assert response.status_code in (200, 403), url
        counts[url] = len(queries)
    return counts


def test_every_admin_page_costs_the_same_queries_at_two_sizes(client, admin):
    # The admin opens every changelist and add page with one row per table, then with four.
    client.force_login(admin)
    urls = admin_pages()
    query_counts(client, urls)  # warm the caches (content types, permissions)
    add_rows(1)
    small = query_counts(client, urls)
    add_rows(3)
    bigger = query_counts(client, urls)
    assert {url: bigger[url] for url in urls if bigger[url] != small[url]} == {}


def form_fields(model_admin, request):
    """Every editable field of the admin's change form and of its inlines' forms."""
    form = model_admin.get_form(request)()
    yield from ((model_admin.model, name, field) for name, field in form.fields.items())
    for inline in model_admin.get_inline_instances(request):
        formset = inline.get_formset(request)(instance=model_admin.model())
        yield from ((inline.model, name, field) for name, field in formset.form().fields.items())


def test_change_forms_never_list_a_big_table_in_a_select(admin):
    # Every foreign key or many-to-many to a big table is a raw-id or autocomplete widget.
    request = RequestFactory().get("/admin/")
    request.user = admin
    plain = []
    for model_admin in admin_site._registry.values():
        for model, name, field in form_fields(model_admin, request):
            if not isinstance(field, ModelChoiceField) or field.queryset.model not in BIG:
                continue
            widget = getattr(field.widget, "widget", field.widget)  # the "+" wrapper
            if not isinstance(widget, LEAN_WIDGETS):
                plain.append(f"{model._meta.label}.{name}")
    assert plain == []


def test_a_whole_large_table_is_counted_from_the_planner_estimate(postgres, monkeypatch):
    SessionFactory()
    monkeypatch.setattr(admin_lists, "estimated_rows", lambda queryset: 2_000_000)
    assert EstimatedCountPaginator(Session.objects.order_by("pk"), 100).count == 2_000_000


def test_a_small_table_is_counted_exactly(postgres, monkeypatch):
    SessionFactory()
    monkeypatch.setattr(admin_lists, "estimated_rows", lambda queryset: 12)
    assert EstimatedCountPaginator(Session.objects.order_by("pk"), 100).count == 1


def test_a_filtered_list_is_counted_exactly_up_to_the_cap(postgres, monkeypatch):
    monkeypatch.setattr(admin_lists, "EXACT_BELOW", 3)
    monkeypatch.setattr(admin_lists, "planned_rows", lambda queryset: 5_000)
    online = Session.objects.filter(mode="online").order_by("pk")
    SessionFactory.create_batch(2, mode="online")
    SessionFactory(mode="phone")
    assert EstimatedCountPaginator(online, 100).count == 2
    SessionFactory(mode="online")
    # Three or more: the planner's estimate for the filter, never less than the cap.
    assert EstimatedCountPaginator(online, 100).count == 5_000
    monkeypatch.setattr(admin_lists, "planned_rows", lambda queryset: 1)
    assert EstimatedCountPaginator(online, 100).count == 3


def test_the_estimates_are_postgresql_statistics(postgres):
    SessionFactory.create_batch(2, mode="online")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_session")
    assert estimated_rows(Session.objects.all()) == 2
    assert planned_rows(Session.objects.filter(mode="online")) >= 1
