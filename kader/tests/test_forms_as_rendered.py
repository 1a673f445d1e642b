"""The helper that posts what a page renders (core/testing.py) reads forms
the way a browser does; the tests that rely on it are only as good as this."""

import pytest
from django.urls import reverse

from core.testing import NotOnPage, forms_in, pick, rendered_form
from factories import (
    AgreementFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    SuccessIndicatorFactory,
)
from programs.models import Session

PAGE = """
<form action="/accounts/logout/" method="post"><input type="hidden" name="csrfmiddlewaretoken"
 value="t"><button>Out</button></form>
<form method="post" data-testid="f" id="f">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="title" value="Tom &amp; Jerry">
  <input type="checkbox" name="done">
  <input type="checkbox" name="sure" checked>
  <input type="radio" name="mode" value="a"><input type="radio" name="mode" value="b" checked>
  <input type="file" name="file">
  <input name="gone" value="x" disabled>
  <select name="first"><option value="1">one</option><option value="2">two</option></select>
  <select name="chosen"><option value="1">one</option><option selected>two</option></select>
  <select name="many" multiple><option value="1" selected>1</option><option value="2">2</option>
   <option value="3" selected>3</option></select>
  <textarea name="notes">
line</textarea>
  <template><input name="x-__prefix__-name" value="never"></template>
  <button type="submit" name="save" value="">Save</button>
</form>
<input name="outside" value="o" form="f">
"""


def test_it_reads_a_form_as_a_browser_sends_it():
    # A test reads a page with every kind of control; only what a browser sends comes out.
    form = pick(forms_in(PAGE, "/things/7/edit/"), testid="f")
    assert form.method == "post" and form.action == "/things/7/edit/"
    assert form.data() == {
        "csrfmiddlewaretoken": "tok",
        "title": "Tom & Jerry",
        "sure": "on",
        "mode": "b",
        "first": "1",
        "chosen": "two",
        "many": ["1", "3"],
        "notes": "line",
        "outside": "o",
    }
    assert form.data(button="save")["save"] == ""
    assert "x-__prefix__-name" not in form.names  # JavaScript's template, not the page


def test_it_refuses_to_send_a_field_the_page_does_not_render():
    # A test overrides a field that is not there: that is the test's mistake, said loudly.
    form = pick(forms_in(PAGE, "/things/7/edit/"), testid="f")
    assert form.data({"done": "on", "sure": None})["done"] == "on"
    assert "sure" not in form.data({"sure": None})
    with pytest.raises(NotOnPage):
        form.data({"INITIAL_FORMS": "0"})
    with pytest.raises(NotOnPage):
        form.data(button="delete")


@pytest.mark.django_db
def test_it_saves_a_session_from_the_rendered_form(client, mentor_a):
    # Mentor A opens "log a session", chooses her mentee, types the topics and saves: the
    # page's own defaults (date, duration, mode) are the rest.
    pair = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    client.force_login(mentor_a)
    form = rendered_form(client, reverse("programs:session_create"), has="topics")
    assert form.data()["mentorship"] == ""  # the page asks her to choose her mentee
    assert str(pair.pk) in form.options("mentorship")
    response = form.submit(client, {"mentorship": str(pair.pk), "topics": "Rencana karier"})
    assert response.status_code == 302, response.context["form"].errors
    assert Session.objects.get().topics == "Rencana karier"


@pytest.mark.django_db
def test_it_fills_an_agreement_evaluation_with_its_formsets(client, coordinator):
    # The coordinator fills in an agreement evaluation: the management forms come from
    # the page, not from the test.
    agreement = AgreementFactory(status="active", coordinator=coordinator)
    SuccessIndicatorFactory(agreement=agreement)
    evaluation = EvaluationFactory(agreement=agreement, evaluator=coordinator)
    client.force_login(coordinator)
    url = reverse("evaluations:evaluation_fill", args=[evaluation.pk])
    form = rendered_form(client, url, testid="evaluation-form")
    assert {"ind-TOTAL_FORMS", "rat-TOTAL_FORMS", "act-TOTAL_FORMS"} <= form.names
    response = form.submit(client, {"findings": "Mitra aktif.", "ind-0-actual": "12"})
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation.refresh_from_db()
    assert evaluation.findings == "Mitra aktif."
    assert evaluation.indicator_results.get().actual == 12
