"""Admin import and export of cadres (django-import-export, CSV and XLSX).

Rows are validated by the model (`clean_model_instances`): a bad e-mail, an unknown
province or a duplicate shows up on its row in the preview, and the import runs in one
transaction, so a file with any bad row imports nothing. Background (diversity) data is
never part of an export: it is shown per person only on the cadre's own page.
"""

from __future__ import annotations

from import_export import fields, widgets

from kader.resources import KaderResource
from partners.models import Partner, Province, Region
from programs.forms import PROFILE_FIELDS
from programs.models import Cadre


class RegionInProvinceWidget(widgets.ForeignKeyWidget):
    """A regency or city by name, looked up inside the row's province."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Region.objects.filter(province__name__iexact=row.get("province", ""))

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        return self.get_queryset(value, row).get(name__iexact=value.strip())


class CadreResource(KaderResource):
    province = fields.Field(
        attribute="province",
        column_name="province",
        widget=widgets.ForeignKeyWidget(Province, field="name"),
    )
    city = fields.Field(
        attribute="city", column_name="city", widget=RegionInProvinceWidget(Region, "name")
    )
    home_partner = fields.Field(
        attribute="home_partner",
        column_name="home_partner",
        widget=widgets.ForeignKeyWidget(Partner, field="name"),
    )

    class Meta:
        model = Cadre
        import_id_fields = ["email"]
        fields = PROFILE_FIELDS
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
