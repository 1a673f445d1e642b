"""The dashboard's numbers, widget by widget, against a small world counted by hand."""

import datetime as dt

import pytest
from django.urls import reverse

from dashboard import figures
from dashboard.figures import Scope, months_back
from dashboard.forms import DashboardFilterForm
from evaluations.models import HealthRating, IndicatorResult
from factories import (
    AgreementFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    SessionFactory,
    SuccessIndicatorFactory,
)
from partners.models import Province
from programs.reporting import suppress

TODAY = dt.date(2026, 6, 15)  # a Monday
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC), tick=False)


def day(month: int, d: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, d)


def moment(month: int, d: int, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, d, 10, 0, tzinfo=dt.UTC)


def rated(evaluation, *scores: int) -> None:
    for factor, score in zip(["trust", "communication", "network"], scores, strict=False):
        HealthRating.objects.create(evaluation=evaluation, factor=factor, score=score)


@pytest.fixture
def world(coordinator, mentor_a, mentor_b):
    """Three active agreements (one formal·industry ending in 30 days, two informal·
    community), a draft; two programs; seven cadres; two mentors; sessions; evaluations."""
    jabar, bali = Province.objects.get(code="32"), Province.objects.get(code="51")
    p_jabar, p_bali = PartnerFactory(province=jabar), PartnerFactory(province=bali)
    a1 = AgreementFactory(
        formality="formal",
        basis="industry",
        status="active",
        end_date=day(7, 15),
        parties=[p_jabar],
    )
    a2 = AgreementFactory(status="active", end_date=day(12, 31, 2027), parties=[p_bali])
    a3 = AgreementFactory(status="active", end_date=day(9, 13), parties=[p_bali])
    AgreementFactory(formality="formal", status="draft", parties=[p_jabar])
    training = ProgramFactory(kind="training")
    training.agreements.add(a1)
    training.partners.add(p_jabar)
    mentoring = ProgramFactory(kind="mentoring")
    mentoring.agreements.add(a2)

    stages = ["candidate", "candidate", "participant", "participant", "participant"]
    stages += ["alumni", "leader"]
    cadres = [
        CadreFactory(stage=s, province=jabar if i < 4 else bali) for i, s in enumerate(stages)
    ]
    e = [
        EnrolmentFactory(program=training, cadre=cadres[0]),
        EnrolmentFactory(program=training, cadre=cadres[1]),
        EnrolmentFactory(program=training, cadre=cadres[2], status="completed"),
        EnrolmentFactory(program=training, cadre=cadres[3], status="withdrawn"),
        EnrolmentFactory(program=mentoring, cadre=cadres[4]),
        EnrolmentFactory(program=mentoring, cadre=cadres[5]),
    ]
    prof_a = MentorProfileFactory(user=mentor_a, mentee_capacity=3)
    MentorProfileFactory(user=mentor_b, mentee_capacity=2)
    met = MentorshipFactory(mentor=prof_a, enrolment=e[0], started_on=day(1, 5))
    stale = MentorshipFactory(mentor=prof_a, enrolment=e[4], started_on=day(1, 5))
    SessionFactory(mentorship=met, date=day(6, 2), duration_minutes=60)
    SessionFactory(mentorship=met, date=day(6, 10), duration_minutes=60)
    SessionFactory(mentorship=met, date=day(6, 11), attendance="no_show")
    SessionFactory(mentorship=stale, date=day(5, 6), duration_minutes=90)  # 40 days ago

    e1 = EvaluationFactory(
        agreement=a1, period_start=day(10, 1, 2025), period_end=day(12, 31, 2025),
        due_date=day(1, 14), status="reviewed", submitted_at=moment(1, 10), evaluator=coordinator,
    )  # fmt: skip
    e2 = EvaluationFactory(
        agreement=a1, period_start=day(1, 1), period_end=day(3, 31),
        due_date=day(4, 14), status="reviewed", submitted_at=moment(4, 20), evaluator=coordinator,
    )  # fmt: skip
    e3 = EvaluationFactory(
        agreement=a2, period_start=day(1, 1), period_end=day(3, 31),
        due_date=day(4, 14), status="submitted", submitted_at=moment(4, 14), evaluator=coordinator,
    )  # fmt: skip
    EvaluationFactory(
        agreement=a2, period_start=day(4, 1), period_end=day(6, 4), due_date=day(6, 18),
        evaluator=coordinator,
    )  # fmt: skip
    EvaluationFactory(
        agreement=a3, period_start=day(1, 1), period_end=day(3, 31), due_date=day(6, 5),
        evaluator=coordinator,
    )  # fmt: skip
    rated(e1, 4, 4)
    rated(e2, 2, 3)
    rated(e3, 5)
    i1 = SuccessIndicatorFactory(agreement=a1, baseline=0, target=10)
    i2 = SuccessIndicatorFactory(agreement=a2, baseline=0, target=20)
    IndicatorResult.objects.create(evaluation=e1, indicator=i1, actual=2)
    IndicatorResult.objects.create(evaluation=e2, indicator=i1, actual=5)
    IndicatorResult.objects.create(evaluation=e3, indicator=i2, actual=25)
    return {"a1": a1, "a2": a2, "a3": a3, "training": training, "jabar": jabar, "stale": stale}


def build(user, **filters) -> dict:
    return figures.build(Scope(user=user, today=TODAY, **filters))


def test_it_counts_active_agreements_by_kind_and_those_ending_soon(coordinator, world):
    data = build(coordinator)["partnerships"]
    grid = [[cell["count"] for cell in row["cells"]] for row in data["rows"]]
    assert grid == [[1, 0], [0, 2]]  # formal: industry, community; informal: …
    assert (data["total"], data["expiring"]) == (3, 1)
    assert "formality=formal&basis=industry&status=active" in data["rows"][0]["cells"][0]["url"]
    assert "expiring=true" in data["expiring_url"]


def test_it_lists_the_agreements_ending_soon(coordinator, world):
    expiring = build(coordinator)["expiring"]
    assert [(a["title"], a["days_left"]) for a in expiring] == [(world["a1"].title, 30)]


def test_it_gives_each_agreement_its_latest_health_and_trend(coordinator, world):
    health = build(coordinator)["health"]
    assert [(h["title"], h["score"], h["previous"], h["trend"]) for h in health] == [
        (world["a1"].title, 2.5, 4.0, "down"),
        (world["a2"].title, 5.0, None, "new"),
    ]


def test_it_measures_indicator_attainment_from_the_latest_values(coordinator, world):
    rows = build(coordinator)["attainment"]
    assert [(r["title"], r["percent"], r["met"], r["measured"]) for r in rows] == [
        (world["a1"].title, 50, 0, 1),
        (world["a2"].title, 100, 1, 1),  # 125 % capped at 100
    ]


def test_it_counts_cadres_by_stage(coordinator, world):
    pipeline = build(coordinator)["pipeline"]
    assert [s["count"] for s in pipeline["stages"]] == [2, 3, 1, 1]
    assert pipeline["total"] == 7
    assert "stage=candidate" in pipeline["stages"][0]["url"]


def test_it_counts_enrolments_by_program_kind_without_withdrawn_ones(coordinator, world):
    kinds = [(k["total"], k["active"], k["completed"]) for k in build(coordinator)["enrolments"]]
    assert kinds == [(3, 2, 1), (2, 2, 0), (0, 0, 0)]  # training, mentoring, practical


def test_it_shows_each_mentors_load_against_capacity(coordinator, world):
    mentors = [(m["name"], m["load"], m["capacity"]) for m in build(coordinator)["mentors"]]
    assert mentors[0][1:] == (2, 3)
    assert mentors[1][1:] == (0, 2)


def test_it_sums_sessions_and_hours_per_month(coordinator, world):
    mentoring = build(coordinator)["mentoring"]
    assert len(mentoring["months"]) == 12
    assert mentoring["months"][0]["month"] == day(7, 1, 2025)
    last_two = [(m["sessions"], m["hours"]) for m in mentoring["months"][-2:]]
    assert last_two == [
        (1, 1.5),
        (2, 2.0),
    ]  # May: one of 90 min; June: two of 60 (no-show left out)
    assert (mentoring["sessions"], mentoring["hours"]) == (3, 3.5)


def test_it_finds_mentees_not_met_in_30_days(coordinator, world):
    stale = build(coordinator)["stale"]
    assert stale["count"] == 1
    assert stale["shown"] == [world["stale"]]


def test_it_counts_evaluations_due_overdue_and_on_time(coordinator, world):
    ev = build(coordinator)["evaluations"]
    assert (ev["due_week"], ev["overdue"]) == (1, 1)
    # due in the period: two on time, one late, one still open and overdue
    assert (ev["on_time"], ev["counted"], ev["rate"]) == (2, 4, 50)


def test_it_narrows_every_widget_by_partner_type(coordinator, world):
    data = build(coordinator, formality="formal", basis="industry")
    assert data["partnerships"]["total"] == 1
    assert [h["title"] for h in data["health"]] == [world["a1"].title]
    assert data["pipeline"]["total"] == 4  # the training's cadres, as the cadre list counts them
    assert data["mentoring"]["sessions"] == 2
    assert (data["evaluations"]["due_week"], data["evaluations"]["overdue"]) == (0, 0)


def test_it_narrows_by_program_and_by_region(coordinator, world):
    by_program = build(coordinator, program=world["training"])
    assert by_program["partnerships"]["total"] == 1
    assert sum(k["total"] for k in by_program["enrolments"]) == 3
    by_region = build(coordinator, province=world["jabar"])
    assert by_region["pipeline"]["total"] == 4
    assert by_region["partnerships"]["total"] == 1


def test_it_suppresses_small_groups_and_a_lone_hidden_cell():
    assert suppress([12, 7, 0]) == [12, 7, 0]
    assert suppress([12, 3, 0]) == [None, None, 0]  # 3 = total − 12: hide 12 too
    assert suppress([9, 3, 2]) == [9, None, None]


def test_it_counts_months_back_across_a_year_end():
    assert months_back(TODAY, 12) == day(7, 1, 2025)
    assert months_back(day(1, 31), 3) == day(11, 1, 2025)


def test_it_falls_back_to_defaults_on_bad_filters(coordinator):
    form = DashboardFilterForm({"months": "7", "formality": "x"}, user=coordinator)
    scope = Scope.from_form(form, coordinator, TODAY)
    assert (scope.months, scope.formality) == (12, "")


def test_it_renders_the_dashboard_with_links_behind_the_numbers(client, coordinator, world):
    # The coordinator opens their home page.
    client.force_login(coordinator)
    response = client.get(reverse("home"), {"formality": "formal"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-pipeline" type="application/json"' in html
    assert reverse("partners:agreement_list") + "?formality=formal&amp;basis=industry" in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline scripts
