"""Redis down as a cache: pages are slower, not broken (core/cache.py).

Redis is both the broker and the cache in production. Django's own Redis cache raises on
every read while Redis is unreachable, so every list (rows kept by core/fragments.py) and
the dashboard answered 500 until it came back. The cache here points at a port where nothing
listens, as when Redis has stopped.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.testing import rendered_form
from evaluations.models import Evaluation
from factories import (
    AgreementFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    SessionFactory,
    SuccessIndicatorFactory,
)
from partners.models import Partner
from programs.models import Session
from testkit import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_gone(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_the_cache_reads_as_empty_and_writes_go_nowhere(redis_gone, caplog):
    assert cache.get("anything", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    cache.set("a", 1)
    cache.set_many({"a": 1})
    assert cache.add("lock", True) is True  # the request goes ahead and builds
    assert cache.delete("lock") is False
    assert cache.get("a") is None
    assert "cache get failed" in caplog.text


def test_every_coordinator_page_answers_while_the_cache_is_down(client, coordinator, redis_gone):
    pair = MentorshipFactory()
    SessionFactory(mentorship=pair)
    EvaluationFactory()
    PartnerFactory(name="Yayasan Tetap Jalan")
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"
    pages = [
        reverse("home"),
        reverse("partners:partner_list"),
        reverse("partners:agreement_list"),
        reverse("programs:cadre_list") + "?q=a",
        reverse("programs:program_detail", args=[pair.enrolment.program_id]),
        reverse("programs:session_list"),
        reverse("evaluations:evaluation_list"),
    ]
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == 200, page
    assert "Yayasan Tetap Jalan" in client.get(reverse("partners:partner_list")).content.decode()
    assert 'data-testid="kpi' in client.get(reverse("home")).content.decode()  # figures, built here


def test_forms_save_as_rendered_while_the_cache_is_down(client, coordinator, mentor_a, redis_gone):
    # With Redis gone, the coordinator adds a partner and fills in an agreement evaluation,
    # and mentor A logs a session: each from the page as her browser shows it.
    client.force_login(coordinator)
    form = rendered_form(client, reverse("partners:partner_create"), has="name")
    sector = form.options("sector")[-1]
    answer = form.submit(client, {"name": "Yayasan Tanpa Cache", "sector": sector})
    assert answer.status_code == 302, answer.context and answer.context.get("form").errors
    assert Partner.objects.filter(name="Yayasan Tanpa Cache").exists()

    agreement = AgreementFactory(status="active", coordinator=coordinator)
    SuccessIndicatorFactory(agreement=agreement)
    evaluation = EvaluationFactory(agreement=agreement, evaluator=coordinator)
    url = reverse("evaluations:evaluation_fill", args=[evaluation.pk])
    form = rendered_form(client, url, testid="evaluation-form")
    answer = form.submit(client, {"findings": "Tetap jalan.", "ind-0-actual": "3"}, "submit")
    assert answer.status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).status == "submitted"

    pair = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    client.force_login(mentor_a)
    form = rendered_form(client, reverse("programs:session_create"), has="topics")
    answer = form.submit(client, {"mentorship": str(pair.pk), "topics": "Tanpa cache"})
    assert answer.status_code == 302
    assert Session.objects.filter(topics="Tanpa cache").exists()


def test_the_real_cache_keeps_working_when_redis_is_up(settings):
    """The same backend against the running Redis: values go in and come back."""
    from conftest import need_redis

    url = need_redis()
    backend = "core.cache.ResilientRedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "t"}}
    cache.set("kader-test-key", {"x": 1}, 30)
    assert cache.get("kader-test-key") == {"x": 1}
    assert cache.add("kader-test-key", 2) is False
    cache.delete("kader-test-key")
