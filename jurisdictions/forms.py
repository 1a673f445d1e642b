"""Where a record sits: the organisation and unit fields of a record's form.

A coordinator places a new record, or moves one, among the units of their own scope, so a
district coordinator's new cadre lands in their district (and stays in their sight), a
provincial coordinator moves a program between their districts, and nobody pushes a record
out of reach of the office responsible for it. The record's history (django-simple-history)
keeps each move. A model form takes `PlacementMixin` first, lists "organisation" and "unit"
among its fields, and is built with `user=`.
"""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from accounts.roles import User
from core.widgets import PlainSelect

from .models import Membership, Organisation, Unit
from .scope import scope_of


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, each indented under its parent."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * (obj.level - 1) + obj.name


def home_membership(user: User) -> Membership | None:
    """Where the user's new records go by default: their most local coordinator office."""
    return (
        Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR)
        .select_related("unit", "organisation")
        .annotate(depth=Length("unit__path"))
        .order_by("-depth", "pk")
        .first()
    )


def place(form: forms.ModelForm, user: User) -> None:
    """Limit the form's organisation and unit to the user's scope, with sensible defaults."""
    scope = scope_of(user)
    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    allowed = scope.organisation_ids()
    if allowed is not None:
        organisations = organisations.filter(pk__in=allowed)
    units = Unit.objects.order_by("path")
    unit_ids = scope.unit_ids()
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    form.fields["organisation"].queryset = organisations
    form.fields["organisation"].empty_label = None
    plain_model_select(form.fields["organisation"], organisations.values_list("pk", "name"))
    # Not required: a post without them (an older page, a script) keeps the record where it
    # is, or puts a new one in the user's own office (`clean_placement`).
    form.fields["organisation"].required = False
    form.fields["unit"] = UnitChoiceField(
        queryset=units,
        empty_label=None,
        required=False,
        label=_("Office"),
        help_text=_("The office responsible for it: yours or one below it."),
    )
    indented = [
        (pk, "\u2003" * (level - 1) + name)
        for pk, level, name in units.values_list("pk", "level", "name")
    ]
    plain_model_select(form.fields["unit"], indented)
    # A new record's default office (an existing one stays where it is: no query).
    home = None if form.instance.pk else home_membership(user)
    form._kader_home = home  # type: ignore[attr-defined]  # read by clean_placement
    if home is not None:
        form.initial.setdefault("unit", home.unit_id)
        form.initial.setdefault("organisation", home.organisation_id)
    form._kader_scope = scope  # type: ignore[attr-defined]  # read by clean_placement


def plain_model_select(field: forms.ModelChoiceField, choices) -> None:
    """Draw the field from (id, label) rows: a national scope has 553 offices, which as
    model instances through the field's own iterator cost 15–20 ms of every form. The field
    still checks a posted value against its queryset."""
    field.widget = PlainSelect(attrs=field.widget.attrs)
    field.widget.choices = list(choices)


def clean_placement(form: forms.ModelForm) -> None:
    """The chosen (organisation, unit) must lie in the user's scope; called from clean().
    Left out: where the record is now, or for a new one the user's own office."""
    if "organisation" in form.errors or "unit" in form.errors:
        return
    instance = form.instance
    home = form._kader_home  # type: ignore[attr-defined]
    organisation_id = _pk(form.cleaned_data.get("organisation")) or (
        instance.organisation_id if instance.pk else (home and home.organisation_id)
    )
    unit_id = _pk(form.cleaned_data.get("unit")) or (
        instance.unit_id if instance.pk else (home and home.unit_id)
    )
    if organisation_id is None or unit_id is None:
        # No office of theirs (a superuser): the model's defaults, the default organisation
        # and the national unit.
        return
    scope = form._kader_scope  # type: ignore[attr-defined]
    if not scope.covers(SimpleNamespace(organisation_id=organisation_id, unit_id=unit_id)):
        form.add_error("unit", _("Choose one of your own offices."))
        return
    # Set on the instance too: a field left out of the post would otherwise take the model's
    # default (the national unit) when the form builds the instance.
    instance.organisation_id, instance.unit_id = organisation_id, unit_id


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


class PlacementMixin:
    """A model form of a record an office holds: built with `user=`, it offers that user's
    offices (`place`) and checks the choice (`clean_placement`)."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        place(self, user)  # type: ignore[arg-type]

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        clean_placement(self)  # type: ignore[arg-type]
        return cleaned
