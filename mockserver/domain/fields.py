"""Validation shared by every JSON description the fake accepts (seeds, keys, faults, clock settings).

One wording for each mistake, wherever it is made: a typo'd field is refused by name rather than ignored, and a
number out of range names its range.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

INT64_MAX = 2**63 - 1


class SpecError(ValueError):
    """A description the fake cannot apply; the control API answers it as 400 `{"error": ...}`."""


def refuse_unknown_fields(
    spec: Mapping[str, Any], allowed: Collection[str], what: str, error: type[SpecError] = SpecError
) -> None:
    unknown = set(spec) - set(allowed)
    if unknown:
        raise error(f"unknown {what} fields: {', '.join(sorted(unknown))}")


def bounded_number(
    value: Any, name: str, low: float, high: float, error: type[SpecError] = SpecError, *, integral: bool = True
) -> Any:
    """`value` when it is a number from `low` to `high` (an integer unless `integral` is False); JSON's true and false
    are not numbers here, though Python's bool is an int."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (integral and not isinstance(value, int))
        or not low <= value <= high
    ):
        raise error(f"{name} must be {'an integer' if integral else 'a number'} from {low} to {high}")
    return value
