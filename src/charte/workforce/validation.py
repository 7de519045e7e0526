"""Checks on the numbers the workforce formulas accept, with errors that name the argument.

Every public function of :mod:`charte.workforce` runs its inputs through these checks before
any arithmetic: a negative load, a zero handle time, a NaN or a target above 100 % is a
mistake in the data, never something to round away silently. Each error carries a stable
snake_case ``code`` and the ``argument`` at fault, and its message says what was expected
and what was found (first offending position for arrays).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class WorkforceInputError(ValueError):
    """An argument a workforce formula cannot use; ``code`` is stable, ``argument`` names it."""

    def __init__(self, code: str, argument: str, message: str) -> None:
        super().__init__(f"[{code}] `{argument}` {message}")
        self.code = code
        self.argument = argument


def _where(bad: NDArray[np.bool_], values: NDArray[Any]) -> str:
    index = np.flatnonzero(bad.ravel())[0]
    found = repr(float(values.ravel()[index]))
    if values.ndim == 0:
        return found
    return f"{found} at position {int(index)}"


def as_float_array(value: ArrayLike, argument: str) -> FloatArray:
    """Read ``value`` as float64, refusing NaN and anything not numeric."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise WorkforceInputError("not_a_number", argument, f"must be numeric; found {value!r}") from None
    nan = np.isnan(array)
    if nan.any():
        raise WorkforceInputError("not_a_number", argument, f"must be a number; found NaN ({_where(nan, array)})")
    return array


def non_negative(value: ArrayLike, argument: str, *, allow_inf: bool = False) -> FloatArray:
    """A finite (or, when allowed, infinite) number ≥ 0."""
    array = as_float_array(value, argument)
    bad = array < 0
    if bad.any():
        raise WorkforceInputError("negative_value", argument, f"must be 0 or more; found {_where(bad, array)}")
    if not allow_inf:
        inf = np.isinf(array)
        if inf.any():
            raise WorkforceInputError("infinite_value", argument, f"must be finite; found {_where(inf, array)}")
    return array


def positive(value: ArrayLike, argument: str, *, allow_inf: bool = False) -> FloatArray:
    """A number > 0 (durations such as handle time or patience)."""
    array = non_negative(value, argument, allow_inf=allow_inf)
    bad = array == 0
    if bad.any():
        raise WorkforceInputError("zero_value", argument, f"must be more than 0; found {_where(bad, array)}")
    return array


def fraction(value: ArrayLike, argument: str, *, allow_one: bool = True, allow_zero: bool = True) -> FloatArray:
    """A share between 0 and 1 (service-level target, shrinkage, occupancy cap).

    A target written as a percentage (80 instead of 0.8) is refused, not divided by 100.
    """
    array = as_float_array(value, argument)
    low = array < 0 if allow_zero else array <= 0
    high = array > 1 if allow_one else array >= 1
    bad = low | high
    if bad.any():
        bounds = f"{'[' if allow_zero else '('}0, 1{']' if allow_one else ')'}"
        raise WorkforceInputError(
            "share_out_of_range", argument, f"must be a share in {bounds} (0.8 for 80 %); found {_where(bad, array)}"
        )
    return array


def agent_numbers(value: ArrayLike, argument: str, *, integral: bool) -> FloatArray:
    """Agents on duty: ≥ 0, finite; whole numbers unless fractional agents are asked for."""
    array = non_negative(value, argument)
    if integral:
        bad = array != np.floor(array)
        if bad.any():
            raise WorkforceInputError(
                "fractional_agents", argument, f"must be whole agents; found {_where(bad, array)}"
            )
    return array
