"""The trade body's observatory: members, periodic declarations, the employment barometer under
disclosure control, and the CSR ranking (palmarès) — the 2010 charter's follow-up committee tools."""

from __future__ import annotations

from charte.observatory.barometer import (
    Barometer,
    BarometerTable,
    barometer_of_folder,
    build_barometer,
    export_rows,
    write_csv,
    write_xlsx,
)
from charte.observatory.declarations import (
    Declaration,
    DeclarationLine,
    DeclarationProblem,
    DeclarationStore,
    declare,
    parse_declaration_csv,
)
from charte.observatory.disclosure import CellSpec, DisclosureRules, ProtectedCell, Release, protect
from charte.observatory.members import HeldLabel, Member, MemberRegistry, MemberSite
from charte.observatory.ranking import (
    Breakdown,
    RankingEvidence,
    RankingWeights,
    load_evidence,
    public_ranking,
    score_member,
    score_members,
)

__all__ = [
    "Barometer",
    "BarometerTable",
    "Breakdown",
    "CellSpec",
    "Declaration",
    "DeclarationLine",
    "DeclarationProblem",
    "DeclarationStore",
    "DisclosureRules",
    "HeldLabel",
    "Member",
    "MemberRegistry",
    "MemberSite",
    "ProtectedCell",
    "RankingEvidence",
    "RankingWeights",
    "Release",
    "barometer_of_folder",
    "build_barometer",
    "declare",
    "export_rows",
    "load_evidence",
    "parse_declaration_csv",
    "protect",
    "public_ranking",
    "score_member",
    "score_members",
    "write_csv",
    "write_xlsx",
]
