"""A person's scope: which organisations' records, in which units, they see and change.

The one place that turns memberships into filters. Every model's `visible_to(user)` asks
`scope_of(user).q(...)`; object rules ask `scope_of(user).covers(obj)`; caches key on
`scope_of(user).key`. Resolved once per request (one query) and kept on the user object.

- A superuser sees everything.
- A coordinator or admin sees, per coordinator membership, the records of that organisation
  in that unit and every unit below it; a national membership is the whole organisation.
- Anyone else (mentors, people with no role) has an empty scope: mentors reach their own
  mentees through each model's mentor rule, not through units.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from accounts.roles import User, is_admin, is_coordinator


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    # None: the whole organisation (a national membership).
    units: frozenset[int] | None
    # The units above the granted ones (mentor pools shared downward).
    above: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    grants: tuple[Grant, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.grants

    @property
    def key(self) -> str:
        """Names the scope for caches: people with the same scope share cached figures."""
        if self.everything:
            return "all"
        if not self.grants:
            return "none"
        text = ";".join(
            f"{g.organisation_id}:{'*' if g.units is None else ','.join(map(str, sorted(g.units)))}"
            for g in sorted(self.grants, key=lambda g: g.organisation_id)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def q(self, prefix: str = "", *, with_above: bool = False) -> Q:
        """Rows (reached through `prefix`, e.g. "cadre__") that lie in this scope.

        `with_above` also takes the units over the granted ones: a district coordinator
        pairs their cadres with the province's and the nation's mentors too.
        """
        if self.everything:
            return Q()
        condition = Q(**{f"{prefix}unit_id__in": []})  # nothing: an empty IN is never true
        for number, grant in enumerate(self.grants):
            of_organisation = Q(**{f"{prefix}organisation_id": grant.organisation_id})
            if grant.units is not None:
                units = grant.units | grant.above if with_above else grant.units
                of_organisation &= Q(**{f"{prefix}unit_id__in": sorted(units)})
            condition = of_organisation if number == 0 else condition | of_organisation
        return condition

    def covers(self, obj, *, with_above: bool = False) -> bool:
        """Whether a record with `organisation_id` and `unit_id` lies in this scope."""
        if self.everything:
            return True
        for grant in self.grants:
            if grant.organisation_id != obj.organisation_id:
                continue
            if grant.units is None or obj.unit_id in grant.units:
                return True
            if with_above and obj.unit_id in grant.above:
                return True
        return False

    def organisation_ids(self) -> set[int] | None:
        """The organisations a record may be put in (None: any)."""
        return None if self.everything else {g.organisation_id for g in self.grants}

    def unit_ids(self, organisation_id: int | None = None) -> set[int] | None:
        """The units a record may be put in (None: any), for one organisation or all."""
        if self.everything:
            return None
        units: set[int] = set()
        for grant in self.grants:
            if organisation_id is not None and grant.organisation_id != organisation_id:
                continue
            if grant.units is None:
                return None
            units |= grant.units
        return units


NOTHING = Scope()
EVERYTHING = Scope(everything=True)

# Per coordinator membership: its organisation, whether it is national, and the unit ids in
# its subtree (rows marked "down") and above it ("up"). One statement for all memberships.
_SCOPE_SQL = """
    SELECT m.organisation_id, mu.level, u.id, 'down'
    FROM jurisdictions_membership m
    JOIN jurisdictions_organisation o ON o.id = m.organisation_id AND o.is_active = %s
    JOIN jurisdictions_unit mu ON mu.id = m.unit_id
    LEFT JOIN jurisdictions_unit u ON mu.level > 1 AND u.path LIKE mu.path || '%%'
    WHERE m.user_id = %s AND m.role = %s
    UNION ALL
    SELECT m.organisation_id, mu.level, a.id, 'up'
    FROM jurisdictions_membership m
    JOIN jurisdictions_organisation o ON o.id = m.organisation_id AND o.is_active = %s
    JOIN jurisdictions_unit mu ON mu.id = m.unit_id
    JOIN jurisdictions_unit a ON mu.level > 1 AND a.id <> mu.id AND mu.path LIKE a.path || '%%'
    WHERE m.user_id = %s AND m.role = %s
"""


def _load(user: User) -> Scope:
    if not (user.is_authenticated and user.is_active):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    if not (is_coordinator(user) or is_admin(user)):
        return NOTHING
    with connection.cursor() as cursor:
        cursor.execute(_SCOPE_SQL, [True, user.pk, "coordinator"] * 2)
        rows = cursor.fetchall()
    whole: set[int] = set()
    down: dict[int, set[int]] = {}
    up: dict[int, set[int]] = {}
    for organisation_id, level, unit_id, direction in rows:
        if level == 1:
            whole.add(organisation_id)
        elif direction == "down":
            down.setdefault(organisation_id, set()).add(unit_id)
        else:
            up.setdefault(organisation_id, set()).add(unit_id)
    grants = [Grant(o, None) for o in sorted(whole)]
    grants += [
        Grant(o, frozenset(units), frozenset(up.get(o, set()) - units))
        for o, units in sorted(down.items())
        if o not in whole
    ]
    return Scope(grants=tuple(grants))


def scope_of(user: User) -> Scope:
    """The user's scope, resolved once and kept on the user object for the request."""
    scope = getattr(user, "_kader_scope", None)
    if scope is None:
        scope = _load(user)
        with contextlib.suppress(AttributeError):  # AnonymousUser takes no attributes
            user._kader_scope = scope  # type: ignore[union-attr]  # a cache, not a field
    return scope


def forget_scope(user: User) -> None:
    """After a membership of `user` changed in this request: the scope and what other apps
    keep beside it (names starting `_kader_scope`)."""
    for name in [n for n in user.__dict__ if n.startswith("_kader_scope")]:
        del user.__dict__[name]


def describe(scope: Scope) -> list[str]:
    """The scope in words, one line per organisation (the admin's "effective scope")."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from .models import Organisation, Unit

    if scope.everything:
        return [_("Everything (superuser).")]
    if scope.is_empty:
        return [_("Nothing: no coordinator membership.")]
    names = dict(Organisation.objects.values_list("pk", "name"))
    lines = []
    for grant in scope.grants:
        organisation = names.get(grant.organisation_id, "?")
        if grant.units is None:
            lines.append(_("%(organisation)s: the whole country.") % {"organisation": organisation})
            continue
        tops = Unit.objects.filter(pk__in=grant.units, parent_id__in=grant.above).order_by("path")
        if not tops:
            tops = Unit.objects.filter(pk__in=grant.units, level=Unit.Level.PROVINCE)
        top_names = ", ".join(unit.name for unit in tops) or "?"
        count = len(grant.units)
        lines.append(
            ngettext(
                "%(organisation)s: %(units)s (%(count)d unit).",
                "%(organisation)s: %(units)s (%(count)d units, with those below).",
                count,
            )
            % {"organisation": organisation, "units": top_names, "count": count}
        )
    return lines
