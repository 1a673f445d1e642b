"""The small-group rule: a count that could point at a person is never shown.

A group is shown only when at least SMALL_GROUP people answered, and within it every count
below SMALL_GROUP is hidden (`suppress`). Programs' diversity summaries, the dashboard, the
reports and their PDFs all go through it (seed 1, "Meningkatkan Keragaman").
"""

from __future__ import annotations

SMALL_GROUP = 5


def suppress(counts: list[int]) -> list[int | None]:
    """Hide counts below SMALL_GROUP (None), and one more when a lone hidden count could be
    worked out from the total and the others."""
    shown: list[int | None] = [c if c == 0 or c >= SMALL_GROUP else None for c in counts]
    hidden = [i for i, c in enumerate(shown) if c is None]
    if len(hidden) == 1:
        visible = [(c, i) for i, c in enumerate(shown) if c]
        if visible:
            shown[min(visible)[1]] = None
    return shown


def hidden_label() -> str:
    """What a hidden count reads as, on pages, in PDFs and in tables: "< 5"."""
    return f"< {SMALL_GROUP}"


def group_shown(answered: int) -> bool:
    return answered >= SMALL_GROUP
