"""Import and export of partners and contacts (django-import-export, CSV and XLSX).

Every row is validated with the model's own rules (`clean_model_instances`), so an unknown
sector, an invalid phone number or an unknown province shows up as an error on its row in
the preview — and a file with any bad row imports nothing (the import runs in one
transaction that is rolled back when a row fails). Exports escape formulas (KaderResource).
"""

from __future__ import annotations

from import_export import fields, widgets

from core.resources import KaderResource

from .models import Contact, Partner, Province, Region


class PartnerResource(KaderResource):
    province = fields.Field(
        attribute="province",
        column_name="province",
        widget=widgets.ForeignKeyWidget(Province, field="name"),
    )
    region = fields.Field(
        attribute="region",
        column_name="region",
        widget=widgets.ForeignKeyWidget(Region, field="name"),
    )

    class Meta:
        model = Partner
        import_id_fields = ["name"]
        fields = [
            "name",
            "sector",
            "status",
            "province",
            "region",
            "address",
            "website",
            "description",
            "brings_network",
            "brings_expertise",
            "brings_funding",
            "brings_venues",
            "brings_mentors",
            "strengths_notes",
            "goals",
            "values",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ContactResource(KaderResource):
    partner = fields.Field(
        attribute="partner",
        column_name="partner",
        widget=widgets.ForeignKeyWidget(Partner, field="name"),
    )
    phone = fields.Field(attribute="phone", column_name="phone", widget=widgets.CharWidget())

    class Meta:
        model = Contact
        fields = ["id", "partner", "name", "role", "email", "phone", "is_primary"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
