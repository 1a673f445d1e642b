"""The admin's search at national scale: the rows Django finds, by subquery, in fixed queries."""

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin import site as admin_site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import admin_lists
from factories import CadreFactory, EnrolmentFactory, SessionFactory
from programs.models import Cadre, Enrolment, Mentorship, Session

pytestmark = pytest.mark.django_db


def searched(admin_user, model, term: str) -> list:
    """What the admin's changelist of model lists for the search term, in its order."""
    request = RequestFactory().get("/", {"q": term})
    request.user = admin_user
    return list(admin_site._registry[model].get_changelist_instance(request).result_list)


def django_search(model, term: str) -> set:
    """The rows Django's own ModelAdmin search finds, through its joins."""
    model_admin = admin_site._registry[model]
    request = RequestFactory().get("/")
    queryset, _duplicates = django_admin.ModelAdmin.get_search_results(
        model_admin, request, model._default_manager.all(), term
    )
    return set(queryset.distinct())


@pytest.fixture
def siti(db):
    """Siti Wati's sessions and two other cadres' (one of them Sitiani, one a Wati)."""

    def session(cadre: str, mentor: str):
        # Every searched name fixed: a random mentor called "Purnawati" would match "wati"
        # through a second record, which the documented narrowing leaves out.
        first, last = mentor.split()
        return SessionFactory(
            mentorship__enrolment__cadre__full_name=cadre,
            mentorship__enrolment__program__name=f"Program {last}",
            mentorship__mentor__user__username=f"{first.lower()}.{last.lower()}",
            mentorship__mentor__user__first_name=first,
            mentorship__mentor__user__last_name=last,
        )

    found = session("Siti Wati", "Budi Santoso")
    session("Sitiani Rahma", "Agus Hidayat")
    session("Dewi Wati", "Joko Prasetyo")
    return found


@pytest.mark.parametrize("term", ["Siti Wati", "siti", "WATI", "iti wat", "zzqx"])
@pytest.mark.parametrize("model", [Cadre, Enrolment, Mentorship, Session])
def test_it_finds_the_rows_django_finds(admin, siti, model, term):
    # An admin searches a list by a cadre's name, through one to three foreign keys.
    assert set(searched(admin, model, term)) == django_search(model, term)


def test_it_finds_a_mentorship_by_its_cadres_name_in_any_case(admin, siti):
    found = searched(admin, Mentorship, "siti WATI")
    assert found == [siti.mentorship]


def test_it_finds_an_enrolment_by_program_name_or_cadre_email(admin):
    enrolment = EnrolmentFactory(
        cadre__email="siti.wati@example.org", program__name="Sekolah Kader Desa"
    )
    EnrolmentFactory(program__name="Kelas Menulis")
    assert searched(admin, Enrolment, "kader desa") == [enrolment]
    assert searched(admin, Enrolment, "SITI.WATI@") == [enrolment]
    # The words must be in one thing searched (search_help_text): not one in the cadre and
    # the other in the program.
    assert searched(admin, Enrolment, "siti.wati desa") == []


def test_it_lists_the_matches_in_the_lists_order(admin):
    # Cadres sorted by name, as without a search (over an expression no index serves).
    for name in ["Siti Zahra", "Siti Aminah", "Budi Santoso", "Siti Maryam"]:
        CadreFactory(full_name=name)
    names = [cadre.full_name for cadre in searched(admin, Cadre, "siti")]
    assert names == ["Siti Aminah", "Siti Maryam", "Siti Zahra"]


def test_a_broad_search_keeps_the_subqueries(admin, siti, monkeypatch):
    # More matches than are listed by id: the same rows, through the subqueries.
    monkeypatch.setattr(admin_lists, "MATCHES_LISTED", 1)
    assert set(searched(admin, Session, "wati")) == django_search(Session, "wati")
    assert len(searched(admin, Session, "wati")) == 2


def test_the_count_is_the_number_of_matches(admin, siti):
    request = RequestFactory().get("/", {"q": "siti"})
    request.user = admin
    changelist = admin_site._registry[Session].get_changelist_instance(request)
    assert changelist.result_count == 2
    with translation.override("en"):
        assert "every word" in str(admin_site._registry[Session].search_help_text)


def search_queries(client, term: str) -> dict[str, int]:
    counts = {}
    for model in ["cadre", "enrolment", "mentorship", "developmentgoal", "session"]:
        url = reverse(f"admin:programs_{model}_changelist")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"q": term}).status_code == 200
        counts[model] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:evaluations_evaluation_changelist"), {"q": term})
    counts["evaluation"] = len(queries)
    return counts


@pytest.mark.parametrize("listed", [50_000, 0])
def test_a_searched_list_costs_the_same_queries_at_two_sizes(client, admin, monkeypatch, listed):
    # The admin searches each big list for a cadre with one matching row, then with four;
    # listed=0 is the broad search, past the ids listed.
    monkeypatch.setattr(admin_lists, "MATCHES_LISTED", listed)
    client.force_login(admin)
    SessionFactory(mentorship__enrolment__cadre__full_name="Siti Wati")
    search_queries(client, "siti")  # warm the caches (content types, permissions)
    small = search_queries(client, "siti")
    for _ in range(3):
        SessionFactory(mentorship__enrolment__cadre__full_name="Siti Wati")
    assert search_queries(client, "siti") == small
