"""Amendments (avenants): dated patches to the contract.

An amendment takes effect on its ``effective`` date and states only what changes, in the
contract's own shape (``changes``). Patching rules, applied in order of effective date:

- a mapping is merged key by key (a key set to a value replaces it, a nested mapping is
  merged in turn);
- a list of items that carry an ``id`` (activities, service commitments, amendments'
  own lists) is merged by id: an item with a known id is merged into it, an item with a new
  id is appended, an item ``{id: x, remove: true}`` removes item ``x``;
- any other value (text, number, a list of plain values) is replaced whole.

:meth:`charte.domain.contract.Contract.as_of` returns the version in force on a day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import Field

from charte.domain.contract.clause import Clause, Identifier

#: Clauses assessed over a whole month: an avenant effective after the 1st changes them from the next month
#: (:mod:`charte.settle.amended_month`); prices, by contrast, are split pro rata within the month.
MONTHLY_CLAUSES: tuple[str, ...] = ("forecasts", "service_commitments", "bonus_malus", "indexation", "liability",
                                   "law_overrides")


class Amendment(Clause):
    """One avenant: what changes, from when."""

    id: Identifier
    effective: date
    signed: date | None = None
    summary: str
    changes: dict[str, Any] = Field(description="the contract's clauses that change, in the contract's own shape")


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, Mapping) and "id" in i for i in value)


def merge_by_id(base: list[Any], patch: list[Any]) -> list[Any]:
    """Merge a patch list of ``{id: ...}`` items into a base list (see module docstring)."""
    result: list[Any] = [dict(item) if isinstance(item, Mapping) else item for item in base]
    for item in patch:
        position = next((i for i, old in enumerate(result) if isinstance(old, Mapping) and old.get("id") == item["id"]),
                        None)
        if item.get("remove") is True:
            if position is not None:
                del result[position]
            continue
        if position is None:
            result.append(dict(item))
        else:
            result[position] = apply_patch(result[position], item)
    return result


def apply_patch(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``patch`` applied (pure: neither argument is changed)."""
    result = dict(base)
    for key, change in patch.items():
        old = result.get(key)
        if isinstance(old, Mapping) and isinstance(change, Mapping):
            result[key] = apply_patch(old, change)
        elif isinstance(old, list) and _is_id_list(change) and (not old or _is_id_list(old)):
            result[key] = merge_by_id(old, change)
        else:
            result[key] = change
    return result


def in_force(amendments: tuple[Amendment, ...], day: date) -> tuple[Amendment, ...]:
    """Amendments effective on or before ``day``, in order of effective date (stable)."""
    return tuple(sorted((a for a in amendments if a.effective <= day), key=lambda a: a.effective))


def patch_location(
    patch: Mapping[str, Any], merged: Mapping[str, Any], path: tuple[str | int, ...]
) -> tuple[str | int, ...]:
    """The longest prefix of ``path`` (a location in the patched document) that the patch itself wrote,
    expressed as a location inside the patch, so a problem can point at the amendment's line."""
    where: tuple[str | int, ...] = ()
    node_patch: Any = patch
    node_merged: Any = merged
    for step in path:
        if isinstance(node_merged, Mapping) and isinstance(node_patch, Mapping) and isinstance(step, str):
            if step not in node_patch:
                break
            where += (step,)
            node_patch, node_merged = node_patch[step], node_merged.get(step)
        elif isinstance(node_merged, list) and isinstance(node_patch, list) and isinstance(step, int):
            if step >= len(node_merged):
                break
            item = node_merged[step]
            if isinstance(item, Mapping) and "id" in item:
                index = next(
                    (i for i, p in enumerate(node_patch) if isinstance(p, Mapping) and p.get("id") == item["id"]), None
                )
            else:
                index = step if step < len(node_patch) else None
            if index is None:
                break
            where += (index,)
            node_patch, node_merged = node_patch[index], node_merged[step]
        else:
            break
    return where
