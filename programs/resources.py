"""Admin import and export of cadres (django-import-export, CSV and XLSX).

Rows are checked by `programs.importing.CadreRowChecker`, the very rules of the app's own
cadre import (province aliases, phones, e-mails taken or repeated, stage words, …), so
the two importers accept and store alike. Like the app's, this import only adds cadres:
a row whose e-mail is already a cadre's is refused, never merged. The import runs in one
transaction, so a file with any bad row imports nothing. Background (diversity) data is
never part of an export: it is shown per person only on the cadre's own page.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from core.resources import KaderResource
from partners.models import Partner, Province, Region
from programs import importing
from programs.forms import PROFILE_FIELDS
from programs.models import Cadre


class CadreResource(KaderResource):
    province = fields.Field(
        attribute="province",
        column_name="province",
        widget=widgets.ForeignKeyWidget(Province, field="name"),
    )
    city = fields.Field(
        attribute="city", column_name="city", widget=widgets.ForeignKeyWidget(Region, "name")
    )
    home_partner = fields.Field(
        attribute="home_partner",
        column_name="home_partner",
        widget=widgets.ForeignKeyWidget(Partner, field="name"),
    )

    class Meta:
        model = Cadre
        force_init_instance = True  # only adds: an e-mail already taken is a row error
        fields = PROFILE_FIELDS
        export_order = fields
        # The checker has run the model's field rules; nothing left for full_clean.
        clean_model_instances = False
        use_transactions = True

    def before_import(self, dataset, **kwargs) -> None:
        super().before_import(dataset, **kwargs)
        try:
            _check_bounds(dataset)
        except ValueError:
            del dataset[:]  # the file's one error, not one more per row
            raise
        _drop_blank_rows(dataset)
        rows = [dict(zip(dataset.headers, row, strict=False)) for row in dataset]
        values = [{k: importing.cell_text(v) for k, v in row.items()} for row in rows]
        self.checker = importing.CadreRowChecker(
            # unscoped: the admin's import, for whoever manages the whole platform.
            values,
            Partner.objects.unscoped(),
        )

    def import_instance(self, instance: Cadre, row, **kwargs) -> None:
        number = kwargs.get("row_number") or 0
        cadre, errors = self.checker.check(dict(row), number)
        if errors:
            raise ValidationError(errors)
        for name in PROFILE_FIELDS:
            setattr(instance, name, getattr(cadre, name))


def _check_bounds(dataset) -> None:
    """The app's limits, on the admin's path too (tablib has read the file by now)."""
    limits = importing.Limits.from_settings()
    if len(dataset.headers or []) > limits.max_columns:
        raise ValueError(importing.too_many_columns(limits))
    if dataset.height > limits.max_rows:
        raise ValueError(importing.too_many_rows(limits))
    for row in dataset:
        if any(len(importing.cell_text(v)) > limits.max_cell_chars for v in row):
            raise ValueError(importing.too_long_cell(limits))


def _drop_blank_rows(dataset) -> None:
    # The app skips blank rows; so does the admin, or they would be "name missing" errors.
    blank = [i for i, row in enumerate(dataset) if not any(importing.cell_text(v) for v in row)]
    for index in reversed(blank):
        del dataset[index]
