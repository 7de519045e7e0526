"""What the pages and the API do, as plain functions over a session: store a contract, share it with a
mediator, settle a month from the register of evidence. They call the same library the CLI calls
(``charte.io``, ``charte.settle``, ``charte.store``). Facts go through :mod:`charte.web.evidence`,
invoices through :mod:`charte.web.invoicing`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from charte.charter import Scorecard, scorecard
from charte.domain.calendar import CalendarError, Month
from charte.domain.contract import Contract
from charte.io.contract_yaml import ContractInvalid, check_contract_text, line_of, loads_contract
from charte.io.contract_yaml import Problem as ContractProblem
from charte.settle import SettlementError
from charte.settle.explain import explain
from charte.store import (
    Access,
    ContractRow,
    ContractShareRow,
    OrganisationRow,
    Register,
    SettlementRow,
    audit,
)
from charte.store.replay import Replay, replay, settle_from_register

_SERVER_PATH = re.compile(r"(?<![\w.~])(?:[A-Za-z]:)?(?:[/\\][^/\\\s'\":;,()\[\]<>]+)+[/\\]([^/\\\s'\":;,()\[\]<>]+)")


def public_text(text: str) -> str:
    """``text`` with every absolute path of the server cut to its file name: users see
    ``interval_report.parquet``, never where the server keeps it."""
    return _SERVER_PATH.sub(r"\1", text)


class WorkflowError(ValueError):
    """A request the workflow refuses; ``problems`` are (code, where, message) a person can act on (server paths
    cut to file names, :func:`public_text`)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        problems = [(code, public_text(where), public_text(message)) for code, where, message in problems]
        self.problems = problems
        super().__init__("; ".join(f"[{c}] {w}: {m}" for c, w, m in problems))


# ---------------------------------------------------------------- contracts

def _compact_name(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())


def _parties(session: Session, text: str, contract: Contract, uploader: OrganisationRow
             ) -> tuple[OrganisationRow | None, list[ContractProblem]]:
    """The counterparty organisation named by the contract's SIREN, and the problems of the parties: the
    uploader's side must carry the uploader's SIREN, the other side a SIREN of an organisation of the other
    kind on this platform; a name that differs from the organisation's is a warning."""
    mine, theirs = (("provider", "client") if uploader.kind == "provider" else ("client", "provider"))
    own, other = getattr(contract, mine), getattr(contract, theirs)
    problems: list[ContractProblem] = []
    if own.siren != uploader.siren:
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (mine, "siren")), "party_siren_mismatch",
            f"`{mine}.siren` is {own.siren}; your organisation ({uploader.name}) has SIREN {uploader.siren}: a "
            f"contract is uploaded by one of its parties"))
    elif _compact_name(own.name) != _compact_name(uploader.name):
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (mine, "name")), "party_name_differs",
            f"`{mine}.name` is {own.name!r}; the organisation with SIREN {own.siren} is registered as "
            f"{uploader.name!r}; invoices carry the contract's name", "warning"))
    counterparty = session.scalar(select(OrganisationRow).where(OrganisationRow.siren == other.siren,
                                                                OrganisationRow.kind == theirs))
    if counterparty is None:
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (theirs, "siren")), "unknown_counterparty",
            f"no {theirs} organisation with SIREN {other.siren} ({other.name}) uses this platform; ask the "
            f"platform's administrator to create it and invite its manager, then upload again"))
    elif _compact_name(other.name) != _compact_name(counterparty.name):
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (theirs, "name")), "party_name_differs",
            f"`{theirs}.name` is {other.name!r}; the organisation with SIREN {other.siren} is registered as "
            f"{counterparty.name!r}; invoices carry the contract's name", "warning"))
    return counterparty, problems


def store_contract(session: Session, text: str, uploader: OrganisationRow,
                   user_id: str | None = None) -> tuple[ContractRow | None, list[ContractProblem]]:
    """Validate the YAML and store it as a PROPOSAL to the other party named by its SIREN, which must accept it
    before anything is shared (:func:`decide_contract`). Problems (also of the parties) are given by line."""
    if uploader.kind not in ("provider", "client"):
        raise WorkflowError([("not_a_party", "organisation", "only a provider or a client can upload a contract")])
    if not uploader.siren:
        raise WorkflowError([("organisation_without_siren", uploader.name, "your organisation has no SIREN on this "
                                                                          "platform; ask its administrator")])
    contract, problems = check_contract_text(text, "contract.yaml")
    if contract is None:
        return None, problems
    other, party_problems = _parties(session, text, contract, uploader)
    problems = sorted([*problems, *party_problems], key=lambda p: (p.line, p.severity != "error"))
    if other is None or any(p.is_error for p in problems):
        return None, problems
    provider, client = (uploader, other) if uploader.kind == "provider" else (other, uploader)
    row = ContractRow(contract_id=contract.id, name=contract.name or contract.id, yaml_text=text,
                      provider_organisation_id=provider.id, client_organisation_id=client.id, uploaded_by=user_id,
                      status="proposed", proposed_by_organisation_id=uploader.id)
    session.add(row)
    session.flush()
    audit(session, "contract_proposed", user_id=user_id, organisation_id=uploader.id, target=row.id,
          detail=f"{contract.id} to {other.id}")
    return row, problems


def decide_contract(session: Session, access: Access, accept: bool, user_id: str | None, now: datetime) -> None:
    """The counterparty's manager accepts (the contract is shared: facts, settlements, mediator) or declines."""
    if not access.may_decide:
        raise WorkflowError([("not_yours_to_decide", access.contract.contract_id,
                              "only the other party's manager accepts or declines a proposed contract")])
    access.contract.status = "accepted" if accept else "declined"
    access.contract.decided_at = now
    audit(session, "contract_accepted" if accept else "contract_declined", user_id=user_id,
          organisation_id=access.organisation_id, target=access.contract.id)


def share_with_mediator(session: Session, access: Access, mediator_id: str, organisation: OrganisationRow,
                        user_id: str | None = None) -> ContractShareRow:
    mediator = session.get(OrganisationRow, mediator_id) if mediator_id else None
    if mediator is None or mediator.kind != "mediator":
        raise WorkflowError([("unknown_mediator", "mediator", "expected the id of a mediator organisation")])
    existing = session.scalar(select(ContractShareRow).where(ContractShareRow.contract_id == access.contract.id,
                                                             ContractShareRow.mediator_organisation_id == mediator.id))
    if existing is not None:
        return existing
    row = ContractShareRow(contract_id=access.contract.id, mediator_organisation_id=mediator.id,
                           invited_by_organisation_id=organisation.id)
    session.add(row)
    session.flush()
    audit(session, "mediator_invited", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=mediator.id)
    return row


# ---------------------------------------------------------------- settlements

def register_of(session: Session, data_dir: Path) -> Register:
    """The application's register of evidence (its database, its files under ``<data dir>/register``)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    return Register(engine, data_dir / "register")


def settle_month(session: Session, access: Access, period: str, data_dir: Path, organisation: OrganisationRow,
                 user_id: str | None = None) -> SettlementRow:
    """Settle ``period`` from what the register holds for the contract and store the result with its evidence
    block. Index values: the reference data (shipped series, ``<data dir>/reference``) and the month's
    ``index_values`` submissions — never the demo's illustrative series. A month whose invoice stands is not
    settled again: correct it with a credit note (in full, to invoice it again)."""
    from charte.web.invoicing import live_invoice

    try:
        month = Month.parse(period)
    except CalendarError as error:
        raise WorkflowError([("invalid_period", "period", f"expected YYYY-MM; {error}")]) from None
    invoiced = live_invoice(session, data_dir, access.contract, str(month))
    if invoiced is not None:
        raise WorkflowError([("month_invoiced", str(month),
                              f"{month} is invoiced by {invoiced['number']} of {invoiced['issue_date']}; a settled and "
                              "invoiced month changes only through a credit note (in full, to settle and invoice "
                              "it again)")])
    try:
        result = settle_from_register(register_of(session, data_dir), access.contract.yaml_text,
                                      access.contract.id, month, reference=data_dir / "reference")
    except SettlementError as error:
        raise WorkflowError([(p.code, p.where, p.message) for p in error.problems]) from None
    except (ContractInvalid, KeyError, ValueError, TypeError, OSError) as error:
        raise WorkflowError([("unreadable_facts", "facts", f"{type(error).__name__}: {error}")]) from None
    explanations = [{"number": line.number, "fr": explain(line, "fr"), "en": explain(line, "en")}
                    for line in result.lines]
    row = SettlementRow(contract_id=access.contract.id, period=str(month), settlement_json=result.to_json(),
                        explanations_json=json.dumps(explanations, ensure_ascii=False),
                        inputs_sha256=result.inputs_sha256, total_excluding_vat=str(result.total_excluding_vat),
                        total_including_vat=str(result.total_including_vat),
                        settled_by_organisation_id=organisation.id)
    session.add(row)
    session.flush()
    audit(session, "month_settled", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=f"{month} {result.inputs_sha256}")
    return row


def replay_settlement(session: Session, data_dir: Path, row: SettlementRow) -> Replay:
    """Recompute a stored settlement from the register and compare it byte for byte (the mediator's replay)."""
    return replay(register_of(session, data_dir), row.settlement_json, name=f"settlement {row.period}")


def latest_settlement(session: Session, contract: ContractRow, period: str) -> SettlementRow | None:
    return session.scalar(select(SettlementRow).where(SettlementRow.contract_id == contract.id,
                                                      SettlementRow.period == period)
                          .order_by(SettlementRow.created_at.desc()).limit(1))


def settlements_of(session: Session, contract: ContractRow) -> list[SettlementRow]:
    """The latest settlement of each period, newest period first."""
    rows = session.scalars(select(SettlementRow).where(SettlementRow.contract_id == contract.id)
                           .order_by(SettlementRow.period.desc(), SettlementRow.created_at.desc()))
    seen: dict[str, SettlementRow] = {}
    for row in rows:
        seen.setdefault(row.period, row)
    return list(seen.values())


def settlement_document(row: SettlementRow) -> dict[str, Any]:
    """The stored settlement JSON with each line's explanation (fr, en) attached."""
    document: dict[str, Any] = json.loads(row.settlement_json)
    by_number = {e["number"]: e for e in json.loads(row.explanations_json)}
    for line in document.get("lines", []):
        found = by_number.get(line.get("number"), {})
        line["explanation_fr"], line["explanation_en"] = found.get("fr", ""), found.get("en", "")
    return document


# ---------------------------------------------------------------- scorecard

@dataclass(frozen=True)
class ScorecardView:
    """The charter scorecard of a contract and what its charts need (the contract's band and reference horizon)."""

    card: Scorecard
    band: tuple[float, float] | None
    horizon: str | None


def scorecard_view(session: Session, contract: ContractRow) -> ScorecardView:
    """The charter scorecard (eight SP2C axes and the 2010 charter) of the contract on its settled months, judged
    the first day after the last settled month."""
    history = [json.loads(r.settlement_json) for r in reversed(settlements_of(session, contract))]
    if not history:
        raise WorkflowError([("not_settled", contract.contract_id, "no settled month yet: nothing to judge")])
    try:
        terms = loads_contract(contract.yaml_text, "contract.yaml")
        today = Month.parse(history[-1]["period"]).next().first_day
        card = scorecard(terms, history, today=today)
        version = terms.as_of(today) if today >= terms.term.start else terms
        band = version.forecasts.band if version.forecasts else None
        horizon = (band.horizon or version.forecasts.reference_horizon.name) if band and version.forecasts else None
        return ScorecardView(card, (float(band.under), float(band.over)) if band else None, horizon)
    except (ContractInvalid, KeyError, ValueError, TypeError, AttributeError) as error:
        raise WorkflowError([("scorecard_unavailable", contract.contract_id, f"{type(error).__name__}: {error}")]) \
            from None
