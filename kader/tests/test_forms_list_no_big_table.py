"""Every create and edit form loads in the page budget at national scale (issue 20): no
drop-down lists a big table (1.2 million cadres, 60,000 mentors, 20,000 partners, hundreds
of coordinators). Each form page costs the same queries, and about the same bytes, with 3
rows of its big table as with 40, and names none of them: those are found by typing
(core/autocomplete.py), and each lookup answers at most 20 in constant queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import COORDINATOR, MENTOR
from factories import (
    CadreFactory,
    EvaluationFactory,
    MentorProfileFactory,
    PartnerFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [3, 40]


def _cadres(n):
    return [c.full_name for c in CadreFactory.create_batch(n, full_name="Siti Bigtable")]


# People's rows are told apart by the page's size: their labels share a first name.
def _mentors(n):
    UserFactory.create_batch(n, role=MENTOR, first_name="Bigtable")
    return []


def _coordinators(n):
    UserFactory.create_batch(n, role=COORDINATOR, first_name="Bigtable")
    return []


def _profiles(n):
    MentorProfileFactory.create_batch(n)
    return []


def _partners(n):
    return [p.name for p in PartnerFactory.create_batch(n)]


# name: (the page, given its objects; what fills the big table; its rows' text in a page)
FORMS = {
    "enrolment form (cadres)": (
        lambda o: reverse("programs:enrolment_create", args=[o["program"].pk]),
        _cadres,
    ),
    "evaluation planning form (mentors)": (
        lambda o: reverse("evaluations:evaluation_plan", args=[o["evaluation"].pk]),
        _mentors,
    ),
    "new agreement form (coordinators)": (
        lambda o: reverse("partners:agreement_create"),
        _coordinators,
    ),
    "agreement edit form (coordinators)": (
        lambda o: reverse("partners:agreement_edit", args=[o["evaluation"].agreement.pk]),
        _coordinators,
    ),
    "mentor edit form (mentors)": (
        lambda o: reverse("programs:mentor_edit", args=[o["profile"].pk]),
        _profiles,
    ),
    "new mentor form (partners)": (lambda o: reverse("programs:mentor_create"), _partners),
}


def _load(client, url):
    client.get(url)  # the first request fills per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.parametrize("form", FORMS)
def test_a_form_costs_the_same_with_a_bigger_table(form, as_coordinator):
    # The coordinator opens the form with 3, then 40 rows in its big table.
    page, fill = FORMS[form]
    objects = {
        "program": ProgramFactory(),
        "evaluation": EvaluationFactory(),
        "profile": MentorProfileFactory(),
    }
    url = page(objects)
    costs = []
    for size in SIZES:
        names = fill(size - (SIZES[0] if costs else 0))  # 3 rows, then 37 more
        response, queries = _load(as_coordinator, url)
        assert response.status_code == 200
        html = response.content.decode()
        assert not any(f">{name}" in html for name in names), "a big table's rows are listed"
        costs.append((queries, len(html)))
    (small_queries, small_bytes), (big_queries, big_bytes) = costs
    assert big_queries == small_queries
    # The page grows by nothing the table holds (a few bytes move: tokens, counts).
    assert abs(big_bytes - small_bytes) < 200


LOOKUPS = {
    "enrolment's cadres": (
        lambda o: reverse("programs:enrolment_cadres", args=[o["program"].pk]),
        _cadres,
    ),
    "evaluators": (lambda o: reverse("evaluations:evaluator_lookup"), _mentors),
}


@pytest.mark.parametrize("lookup", LOOKUPS)
@pytest.mark.parametrize("size", SIZES)
def test_a_lookup_answers_twenty_in_constant_queries(
    lookup, size, as_coordinator, django_assert_num_queries
):
    # The coordinator types "big" into the form's autocomplete.
    page, fill = LOOKUPS[lookup]
    url = page({"program": ProgramFactory()})
    fill(size)
    as_coordinator.get(url, {"q": "big"})
    with django_assert_num_queries(EXPECTED_LOOKUP[lookup]):
        response = as_coordinator.get(url, {"q": "big"})
    assert len(response.json()["results"]) == min(size, 20)


# Written out so that a change shows up: the session, the user and their groups, then the
# lookup's one query; the cadres' also resolve the coordinator's scope and the program,
# and read the matching ids before ordering them.
EXPECTED_LOOKUP = {"enrolment's cadres": 7, "evaluators": 4}


def test_the_enrolment_lookup_offers_only_cadres_not_yet_in_the_program(as_coordinator):
    from factories import EnrolmentFactory

    program = ProgramFactory()
    enrolled = EnrolmentFactory(program=program, cadre=CadreFactory(full_name="Siti Inside"))
    free = CadreFactory(full_name="Siti Outside")
    url = reverse("programs:enrolment_cadres", args=[program.pk])
    found = {row["value"] for row in as_coordinator.get(url, {"q": "siti"}).json()["results"]}
    assert str(free.pk) in found
    assert str(enrolled.cadre.pk) not in found


def test_the_enrolment_form_enrols_a_typed_cadre(as_coordinator):
    # The autocomplete posts the chosen cadre's id, as the drop-down did.
    program = ProgramFactory()
    cadre = CadreFactory()
    url = reverse("programs:enrolment_create", args=[program.pk])
    response = as_coordinator.post(url, {"cadre": cadre.pk, "status": "active"})
    assert response.status_code == 302
    assert program.enrolments.filter(cadre=cadre).exists()
