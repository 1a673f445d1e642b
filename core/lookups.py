"""`field__any=[ids]`: `field = ANY(%s)`, a list of ids as one array parameter.

For ids read beforehand (an office's pairs, say). `__in` with a list writes one placeholder
per id, and `__in` with `core.pagination.id_list` is a semi-join, which PostgreSQL cannot
combine with other conditions under an OR; `= ANY(array)` is an index condition that it
can, one bitmap scan per branch (an evaluation's agreement, program or pair).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [int(value) for value in self.rhs]
        if connection.vendor != "postgresql":
            if not values:
                return "1 = 0", []
            marks = ", ".join(["%s"] * len(values))
            return f"{lhs} IN ({marks})", [*lhs_params, *values]
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, values]


def register() -> None:
    models.ForeignKey.register_lookup(AnyOf)
    models.AutoField.register_lookup(AnyOf)
    models.BigAutoField.register_lookup(AnyOf)
