"""Every text field has a maximum: in the form (a `maxlength` attribute and an error at the
field), in the database (a CHECK on its length) and in what reports print (core/limits.py)."""

import re
import time

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.urls import reverse

from core import limits
from core.testing import rendered_form
from factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CadreFactory,
    CommunicationLogFactory,
    EvaluationFactory,
    MentorProfileFactory,
    ProgramFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

APPS = ("kader", "partners", "programs", "evaluations")


def text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                yield pytest.param(model, field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize("model, field", list(text_fields()))
def test_every_text_field_is_bounded_in_the_form_and_the_database(model, field):
    # One limit, three places: the form field, full_clean (admin, importers), the database.
    assert field.max_length, "no max_length: the form field and its maxlength would be unbounded"
    assert field.formfield().max_length == field.max_length
    assert any(getattr(v, "limit_value", None) == field.max_length for v in field.validators)
    checks = [
        c
        for c in model._meta.constraints
        if isinstance(c, models.CheckConstraint) and c.name.endswith(f"_{field.name}_max_length")
    ]
    assert len(checks) == 1, f"no CHECK on the length of {field.name}"
    condition = checks[0].condition
    assert condition.lhs == Length(field.name) and condition.rhs == field.max_length


@pytest.mark.parametrize(
    "make, field",
    [
        (ProgramFactory, "description"),
        (ProgramFactory, "objectives"),
        (SessionFactory, "notes"),
        (SessionFactory, "next_steps"),
        (CadreFactory, "development_focus"),
        (MentorProfileFactory, "bio"),
        (CommunicationLogFactory, "summary"),
        (EvaluationFactory, "findings"),
        (AgreementFactory, "objectives_long_term"),
    ],
)
def test_the_database_refuses_a_text_over_its_limit(make, field):
    row = make()
    limit = type(row)._meta.get_field(field).max_length
    rows = type(row).objects.filter(pk=row.pk)
    rows.update(**{field: "x" * limit})  # at the limit: stored
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**{field: "x" * (limit + 1)})


def test_the_program_form_refuses_a_megabyte_of_description_at_the_field(client, coordinator):
    client.force_login(coordinator)
    url = reverse("programs:program_edit", args=[ProgramFactory().pk])
    html = client.get(url).content.decode()
    tag = re.search(r'<textarea[^>]*name="description"[^>]*>', html).group(0)
    assert f'maxlength="{limits.LONG_TEXT}"' in tag
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"description": "x" * 1_000_000})
    assert response.status_code == 200
    error = response.context["form"].errors["description"][0]
    assert "5000" in error.replace(".", "").replace(",", "")


def test_the_session_form_bounds_its_notes(client, mentor_a):
    session = SessionFactory(mentorship__mentor__user=mentor_a)
    client.force_login(mentor_a)
    url = reverse("programs:session_edit", args=[session.pk])
    html = client.get(url).content.decode()
    for name in ("notes", "next_steps"):
        tag = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'maxlength="{limits.LONG_TEXT}"' in tag
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"notes": "n" * (limits.LONG_TEXT + 1)})
    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    session.refresh_from_db()
    assert session.notes == ""


def test_a_note_the_page_lets_through_is_saved_whatever_its_line_breaks(client, mentor_a):
    # The text area counts a line break once; the browser sends it as CRLF, two characters.
    session = SessionFactory(mentorship__mentor__user=mentor_a)
    client.force_login(mentor_a)
    url = reverse("programs:session_edit", args=[session.pk])
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"notes": "ab\r\n" * (limits.LONG_TEXT // 3)})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.notes.startswith("ab\nab\n") and len(session.notes) <= limits.LONG_TEXT


def test_the_reports_render_in_bounded_time_with_every_text_at_its_limit(client, coordinator):
    # The longest texts the database holds, in every place a report prints one (a table cell
    # taller than a page used to stop the PDF with a server error).
    agreement = AgreementFactory(
        objectives_short_term="kata " * 1000, objectives_long_term="panjang " * 625
    )
    AgreementPartyFactory(agreement=agreement, responsibilities="tanggung jawab " * 333)
    program = ProgramFactory(objectives="o" * limits.LONG_TEXT)
    program.agreements.add(agreement)
    client.force_login(coordinator)
    for url in (
        reverse("dashboard:agreement_pdf", args=[agreement.pk]),
        reverse("dashboard:program_pdf", args=[program.pk]),
    ):
        started = time.monotonic()
        response = client.get(url)
        content = b"".join(response.streaming_content)
        assert response.status_code == 200 and content.startswith(b"%PDF"), url
        assert time.monotonic() - started < 10, url
