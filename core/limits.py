"""How long a text and how far a date may go: one place for the limits models and forms use.

Each limit is enforced three times (docs/data-rules.md says which rule lives where and why):
- in the rendered widget (`maxlength`, `min`, `max`), so a browser stops the person early;
- in the model field's validators, so every form, the admin and the importers refuse it
  next to the field, with Django's own translated message;
- in the database (CHECK constraints built here), so a bulk `.update()`, a script or a
  forgotten path cannot store it either.

Only what holds for one row whatever the day is can be a CHECK constraint: fixed bounds
(`EARLIEST_DATE`, `LATEST_DATE`), an end after its start. What depends on today ("not in
the future", "at most ten years ahead") or on another row ("within its mentorship") is
checked by the validators and the models' `clean()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- text --------------------------------------------------------------------------------

# A page of notes, not a novel: descriptions, objectives, notes, findings, summaries.
LONG_TEXT = 5000
# What a cadre wants to grow in, a mentor's introduction: a paragraph or two. Matched
# word by word against mentors' expertise (programs.services), so kept short.
DEVELOPMENT_FOCUS = 1000
MENTOR_BIO = 2000
# The answers of a background question, one per line.
BACKGROUND_CHOICES = 2000
# Longest text a PDF or printed report shows of one stored value (they stay readable and
# render in bounded time even for rows written before the limits existed).
REPORT_TEXT = 2000
# In a PDF table cell: a cell taller than a page cannot be drawn (reportlab's LayoutError).
REPORT_CELL_TEXT = 500


class LineBreakText(forms.CharField):
    """Text whose line breaks count once, as the page's `maxlength` counts them: browsers
    send a text area's line breaks as CRLF, so a note the page let through would otherwise
    be refused as too long."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class BoundedTextField(models.TextField):
    """A TextField whose form field is `LineBreakText`. Migrations see a plain TextField."""

    # Django's TextField.formfield takes keywords only; the stubs give it Field's signature.
    def formfield(self, **kwargs: Any) -> forms.Field | None:  # type: ignore[override]
        return super().formfield(**{"form_class": LineBreakText, **kwargs})

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


def bounded_text(verbose_name, limit: int = LONG_TEXT, **kwargs) -> models.TextField:
    """A TextField of at most `limit` characters: `max_length` gives the form field its
    `maxlength` attribute and check; the validator makes `full_clean()` (admin, importers)
    refuse it too. Pair it with `text_length_checks()` in the model's constraints."""
    kwargs.setdefault("blank", True)
    return BoundedTextField(
        verbose_name,
        max_length=limit,
        validators=[MaxLengthValidator(limit), *kwargs.pop("validators", [])],
        **kwargs,
    )


def text_length_checks(model: str, fields: dict[str, int]) -> list[models.CheckConstraint]:
    """One CHECK (char_length(field) <= limit) per field; names start with `model`."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(name), limit),
            name=f"{model}_{name}_max_length",
        )
        for name, limit in fields.items()
    ]


# --- dates -------------------------------------------------------------------------------

# Nothing in a cadre programme happened before this: a year such as 1900 or 0202 is a typo.
EARLIEST_DATE = dt.date(2000, 1, 1)
# The database's outer bound for any planned date. Forms are stricter (PLANNING_YEARS);
# this one does not move with the calendar, so a CHECK constraint can hold it.
LATEST_DATE = dt.date(2099, 12, 31)
# How far ahead a person may plan (an agreement's end, a goal's target, a due date).
PLANNING_YEARS = 10


def latest_planning_date(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    try:
        return min(today.replace(year=today.year + PLANNING_YEARS), LATEST_DATE)
    except ValueError:  # 29 February
        return min(today.replace(year=today.year + PLANNING_YEARS, day=28), LATEST_DATE)


def not_before_earliest(day: dt.date) -> None:
    if day is not None and day < EARLIEST_DATE:
        raise ValidationError(
            _("Enter a date in the year %(year)s or later."),
            code="too_early",
            params={"year": EARLIEST_DATE.year},
        )


def not_in_future(day: dt.date) -> None:
    """For what has happened: a session, a meeting, a consent."""
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


def within_planning_horizon(day: dt.date) -> None:
    """For what is planned: at most PLANNING_YEARS ahead of today."""
    if day is not None and day > latest_planning_date():
        raise ValidationError(
            _("Enter a date at most %(years)s years from today."),
            code="too_late",
            params={"years": PLANNING_YEARS},
        )


# What happened (never in the future) and what is planned (at most ten years ahead).
PAST_DATE = [not_before_earliest, not_in_future]
PLANNED_DATE = [not_before_earliest, within_planning_horizon]


def date_range_checks(
    model: str, fields: list[str], *, latest: bool = True
) -> list[models.CheckConstraint]:
    """CHECK (field >= EARLIEST_DATE [AND field <= LATEST_DATE]) for each field; a NULL
    passes (SQL's CHECK accepts unknown)."""
    checks = []
    for name in fields:
        condition = models.Q(**{f"{name}__gte": EARLIEST_DATE})
        if latest:
            condition &= models.Q(**{f"{name}__lte": LATEST_DATE})
        checks.append(models.CheckConstraint(condition=condition, name=f"{model}_{name}_in_range"))
    return checks


def limit_date_inputs(form: forms.BaseForm) -> None:
    """Give each date input the `min` and `max` its field's validators hold, so the
    browser's date picker offers only dates the server accepts."""
    today = timezone.localdate()
    model = getattr(getattr(form, "_meta", None), "model", None)
    for name, field in form.fields.items():
        if not isinstance(field, forms.DateField):
            continue
        validators = set(field.validators) | set(_model_validators(model, name))
        attrs = field.widget.attrs
        if not_before_earliest in validators:
            attrs.setdefault("min", EARLIEST_DATE.isoformat())
        if not_in_future in validators:
            attrs["max"] = today.isoformat()
        elif within_planning_horizon in validators:
            attrs["max"] = latest_planning_date(today).isoformat()


def _model_validators(model, name: str) -> list:
    """A ModelForm's field runs its model field's validators in `full_clean()`."""
    if model is None:
        return []
    try:
        return model._meta.get_field(name).validators
    except FieldDoesNotExist:  # a form-only field
        return []
