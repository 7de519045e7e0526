"""What a settlement was computed from: the evidence block of its JSON.

A settlement binds itself to its evidence so that a third party (a mediator) can fetch the
same inputs and recompute the same bytes (``charte verify``):

- ``register``: the contract's key in the evidence register, or ``""`` for a folder of files;
- ``contract_sha256``: the SHA-256 of the contract's text (YAML) as kept by the register;
- ``inputs``: each file of facts used — kind, version in the register, SHA-256, who submitted
  it (party, submitter), when (UTC, and whether the register's clock witnessed the instant or
  the submitter declared it), and why it is used (``note``);
- ``reference_data``: the reference series used (index values…), each by name, version and
  SHA-256;
- ``software``: the versions of Python, charte and the libraries it computes with.

The block is part of the settlement's input hash (:func:`charte.settle.engine.inputs_digest`):
the same facts under another software version, or another version of an index series, give
another hash. It is data only; :mod:`charte.io.evidence` and :mod:`charte.store.register` fill it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class EvidenceInput:
    """One file of facts a settlement used (see the module docstring)."""

    kind: str
    version: int
    sha256: str
    file_name: str = ""
    party: str = ""
    submitted_by: str = ""
    submitted_at: str = ""         # ISO 8601, UTC, "Z"
    time_source: str = ""          # clock (the register's) | declared (the submitter's word) | file
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "version": self.version, "sha256": self.sha256, "file_name": self.file_name,
                "party": self.party, "submitted_by": self.submitted_by, "submitted_at": self.submitted_at,
                "time_source": self.time_source, "note": self.note}


@dataclass(frozen=True, order=True)
class ReferenceData:
    """A reference series a settlement used (an index series, a rate table), by name, version and hash."""

    name: str
    version: str
    sha256: str
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256, "source": self.source}


@dataclass(frozen=True)
class Evidence:
    """The evidence block of a settlement (see the module docstring)."""

    register: str
    contract_sha256: str
    inputs: tuple[EvidenceInput, ...]
    reference_data: tuple[ReferenceData, ...] = ()
    software: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"register": self.register, "contract_sha256": self.contract_sha256,
                "inputs": [i.as_dict() for i in sorted(self.inputs)],
                "reference_data": [r.as_dict() for r in sorted(self.reference_data)],
                "software": dict(self.software)}

    @classmethod
    def from_dict(cls, block: Mapping[str, Any]) -> Evidence:
        """The block as written in a settlement's JSON; ``KeyError``/``TypeError`` when it is not one."""
        return cls(
            register=str(block["register"]), contract_sha256=str(block["contract_sha256"]),
            inputs=tuple(EvidenceInput(kind=str(i["kind"]), version=int(i["version"]), sha256=str(i["sha256"]),
                                       file_name=str(i.get("file_name", "")), party=str(i.get("party", "")),
                                       submitted_by=str(i.get("submitted_by", "")),
                                       submitted_at=str(i.get("submitted_at", "")),
                                       time_source=str(i.get("time_source", "")), note=str(i.get("note", "")))
                         for i in block["inputs"]),
            reference_data=tuple(ReferenceData(str(r["name"]), str(r["version"]), str(r["sha256"]),
                                               str(r.get("source", ""))) for r in block.get("reference_data", [])),
            software=tuple((str(k), str(v)) for k, v in dict(block.get("software", {})).items()),
        )


__all__ = ["Evidence", "EvidenceInput", "ReferenceData"]
