"""A member's entry in the register: the YAML file the trade body records for a member, validated with every
problem at its line.

Format (UTF-8 YAML; dates ``YYYY-MM-DD``)::

    siren: "552100554"
    company: Centre d'appels du Nord SAS
    member_since: 2019-01-01
    charter_2019_signed_on: 2019-10-29      # SP2C charter of 29 October 2019; omit when not signed
    functions: [service, commercial]        # of service, commercial, support
    sites:
      - {name: Lille, siret: "55210055400013", country: FR, region: Hauts-de-France}
      - {name: Rabat, country: MA, public: false}          # not shown in the register
    labels:
      - {name: NF 345, issuer: AFNOR Certification, valid_from: 2023-07-01, until: 2026-06-30}
    public: [sites, functions, labels, charter_2019]       # what the register may show (all by default)
    ranking_opt_in: true                    # in the public ranking (palmarès)
    scorecards_opt_in: true                 # shares its contracts' charter scorecards with the committee

Every problem prints as ``file:line: [code] message`` (the line of the YAML node it is about); an entry
with any problem is refused whole. Checks beyond the types: the SIREN's check digit (INSEE, Luhn), each
SIRET's check digit and that it starts with the member's SIREN (python-stdnum), French sites in one of the
18 regions and sites abroad without one, a label's validity starting before it ends, one site per name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import ValidationError
from stdnum.fr import siret as siret_number

from charte.observatory.declarations import DeclarationProblem
from charte.observatory.members import FRENCH_REGIONS, Member, MemberRegistry

__all__ = ["parse_member_entry"]


def _line_of(root: yaml.Node | None, path: Sequence[Any]) -> int:
    """The 1-based line of the YAML node at ``path`` (the deepest node found on the way)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else 1)
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == key), None)
            if match is None:
                break
            node = match[1]
            line = match[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _message(error: Any) -> tuple[str, str]:
    where = ".".join(str(p) for p in error["loc"])
    kind = error["type"]
    found = error.get("input")
    if kind == "missing":
        return "missing_field", f"`{where}` is missing"
    if kind == "extra_forbidden":
        return "unknown_field", f"`{where}` is not a field of a register entry"
    if kind == "literal_error":
        return "unknown_choice", f"`{where}` is {found!r}; {error['msg'].replace('Input should be', 'expected')}"
    return "invalid_value", f"`{where}` is {found!r}: {error['msg']}"


def _checks(member: Member) -> list[tuple[tuple[Any, ...], str, str]]:
    out: list[tuple[tuple[Any, ...], str, str]] = []
    names: dict[str, int] = {}
    for i, site in enumerate(member.sites):
        if site.name in names:
            out.append((("sites", i, "name"), "duplicate_site", f"site {site.name!r} is already listed as site "
                                                                f"{names[site.name] + 1}; one entry per site"))
        names.setdefault(site.name, i)
        if site.country == "FR" and site.region not in FRENCH_REGIONS:
            out.append((("sites", i, "region"), "unknown_region",
                        f"region {site.region!r} is not one of the 18 French regions, e.g. 'Hauts-de-France'"))
        if site.country != "FR" and site.region:
            out.append((("sites", i, "region"), "region_abroad",
                        f"site {site.name!r} is in {site.country}; a region is given only for sites in France"))
        if site.siret is not None:
            if not siret_number.is_valid(site.siret):
                out.append((("sites", i, "siret"), "invalid_siret",
                            f"SIRET {site.siret!r} is not 14 digits with a valid check digit"))
            elif not siret_number.compact(site.siret).startswith(member.siren):
                out.append((("sites", i, "siret"), "siret_of_another_company",
                            f"SIRET {site.siret} does not start with the member's SIREN {member.siren}"))
    for i, label in enumerate(member.labels):
        if label.valid_from and label.valid_from > label.until:
            out.append((("labels", i, "valid_from"), "validity_reversed",
                        f"{label.name}: valid from {label.valid_from} after its end {label.until}"))
    if member.left_on and member.member_since and member.left_on <= member.member_since:
        out.append((("left_on",), "left_before_joining",
                    f"left on {member.left_on}, not after joining on {member.member_since}"))
    return out


def parse_member_entry(text: str, file: str = "<member>", registry: MemberRegistry | None = None,
                       ) -> tuple[Member | None, list[DeclarationProblem]]:
    """The member of a register entry, or ``None`` with every problem found."""
    try:
        root = yaml.compose(text)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [DeclarationProblem(file, (mark.line + 1) if mark else 1, "yaml_syntax", str(error))]
    if not isinstance(document, dict):
        return None, [DeclarationProblem(file, 1, "not_a_mapping", "expected a register entry: siren, company, ...")]
    if isinstance(document.get("siren"), int):
        return None, [DeclarationProblem(file, _line_of(root, ["siren"]), "siren_not_quoted",
                                         "`siren` must be quoted (\"552100554\"): a number loses leading zeros")]
    try:
        member = Member.model_validate(document)
    except ValidationError as invalid:
        problems = [DeclarationProblem(file, _line_of(root, e["loc"]), *_message(e)) for e in invalid.errors()]
        return None, sorted(problems, key=lambda p: p.line)
    problems = [DeclarationProblem(file, _line_of(root, path), code, message)
                for path, code, message in _checks(member)]
    if registry is not None and (old := registry.get(member.siren)) and old.member_since and \
            member.member_since and member.member_since != old.member_since and not old.left_on:
        problems.append(DeclarationProblem(file, _line_of(root, ["member_since"]), "member_since_changed",
                                           f"member since {old.member_since} in the register, "
                                           f"{member.member_since} here; membership dates are history"))
    return (None, problems) if problems else (member, [])
