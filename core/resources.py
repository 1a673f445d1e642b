"""The base of every admin import/export resource (django-import-export).

Exports escape text a spreadsheet would run as a formula with the same function as the
app's own exports; imports take that escape off again, so an exported file imports as
it was. Any bad row (an error or a failed validation) rolls the whole file back.
"""

from __future__ import annotations

from typing import Any

from import_export import resources

from core.spreadsheet import FORMULA_START, safe_text


def unescaped_text(value: Any) -> Any:
    """The text `safe_text` escaped, as it was before: "'=1+1" is "=1+1" again."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class KaderResource(resources.ModelResource):
    def export_field(self, field, instance, **kwargs) -> Any:
        return safe_text(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs) -> None:
        for key, value in row.items():
            row[key] = unescaped_text(value)
        super().before_import_row(row, **kwargs)

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("use_transactions", True)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)
