"""The JSON API under ``/api/`` for systems that push data nightly (OpenAPI document at
``/api/openapi.json``). Every call carries ``Authorization: Bearer <token>``; a token speaks for ONE
organisation and sees exactly what that organisation's users see (404 for anything else)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field

from charte.io.contract_yaml import MAX_CONTRACT_BYTES
from charte.store import ContractRow, visible_contracts
from charte.web.deps import ApiCaller, SessionDep, SettingsDep, contract_or_404, now
from charte.web.evidence import (
    Received,
    audit_submission,
    month_of,
    receive_submission,
    register_view,
    submission_out,
    web_register,
)
from charte.web.heavy import heavy
from charte.web.workflows import (
    WorkflowError,
    decide_contract,
    latest_settlement,
    replay_settlement,
    settle_month,
    settlement_document,
    settlements_of,
    store_contract,
)

router = APIRouter(prefix="/api", tags=["api"])


class ProblemOut(BaseModel):
    code: str
    where: str
    message: str
    line: int | None = None
    severity: str = "error"


class ContractIn(BaseModel):
    yaml: str = Field(max_length=4 * MAX_CONTRACT_BYTES,
                      description=f"The contract's YAML text (at most {MAX_CONTRACT_BYTES:,} bytes of UTF-8). Its "
                                  "parties are named by SIREN: yours, and the other party's, which must accept the "
                                  "proposal before the contract is shared.")


class ContractOut(BaseModel):
    id: str
    contract_id: str
    name: str
    provider_organisation_id: str
    client_organisation_id: str
    status: str = Field(description="proposed (waiting for the other party), accepted or declined")
    periods_settled: list[str] = []
    problems: list[ProblemOut] = []


class SubmissionOut(BaseModel):
    """One version of one kind of fact in the register."""

    contract: str
    period: str
    kind: str
    version: int
    sha256: str
    size: int
    file_name: str
    file_format: str
    party: str
    submitted_by: str
    organisation_id: str | None = None
    submitted_at: str = Field(description="UTC, ISO 8601 (the server's clock, or declared: see time_source).")
    time_source: str
    summary: dict[str, Any]
    added: bool = Field(default=True, description="False when the same bytes were already the latest version.")
    standing: str | None = Field(default=None, description="in_play, superseded, on_time, late, not_settled.")
    detail: str | None = None


class DecisionIn(BaseModel):
    decision: Literal["accept", "decline"]


class FactsOut(BaseModel):
    submissions: list[SubmissionOut]
    problems: list[ProblemOut]


class ReplayOut(BaseModel):
    identical: bool = Field(description="The stored settlement recomputed from the register is byte-identical.")
    differences: list[str] = Field(description="Unified diff, stored → recomputed (empty when identical).")
    problems: list[ProblemOut]
    replayed_at: str


class SettleIn(BaseModel):
    period: str = Field(max_length=16, description="Month to settle, YYYY-MM.")


class SettlementOut(BaseModel):
    id: str
    contract: str
    period: str
    inputs_sha256: str
    total_excluding_vat: str = Field(description="Decimal text, euros.")
    total_including_vat: str = Field(description="Decimal text, euros.")
    settlement: dict[str, Any]


def _problems(problems: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    return [{"code": c, "where": w, "message": m} for c, w, m in problems]


def _contract_out(c: ContractRow, **more: Any) -> ContractOut:
    return ContractOut(id=c.id, contract_id=c.contract_id, name=c.name, status=c.status,
                       provider_organisation_id=c.provider_organisation_id,
                       client_organisation_id=c.client_organisation_id, **more)


@router.get("/contracts", response_model=list[ContractOut])
def list_contracts(caller: ApiCaller, session: SessionDep) -> list[ContractOut]:
    return [_contract_out(c) for c in visible_contracts(session, caller.organisation)]


@router.post("/contracts", response_model=ContractOut, status_code=201,
             responses={422: {"description": "The contract has errors (each with its line) or the parties are wrong."}})
def upload_contract(request: Request, body: ContractIn, caller: ApiCaller, session: SessionDep) -> ContractOut:
    if caller.organisation.kind not in ("provider", "client"):
        raise HTTPException(403, "only a provider or a client uploads contracts")
    try:
        with heavy(request):
            row, problems = store_contract(session, body.yaml, caller.organisation)
    except WorkflowError as error:
        session.rollback()
        raise HTTPException(422, _problems(error.problems)) from None
    found = [ProblemOut(code=p.code, where=f"{p.file}:{p.line}", message=p.message, line=p.line,
                        severity=p.severity) for p in problems]
    if row is None:
        raise HTTPException(422, [p.model_dump() for p in found])
    session.commit()
    return _contract_out(row, problems=found)


@router.get("/contracts/{contract_id}", response_model=ContractOut)
def get_contract(contract_id: str, caller: ApiCaller, session: SessionDep) -> ContractOut:
    access = contract_or_404(session, caller, contract_id)
    return _contract_out(access.contract, periods_settled=[s.period for s in settlements_of(session, access.contract)])


@router.post("/contracts/{contract_id}/decision", response_model=ContractOut,
             responses={403: {"description": "Not the other party of a proposed contract."}})
def decide(request: Request, contract_id: str, body: DecisionIn, caller: ApiCaller, session: SessionDep
           ) -> ContractOut:
    """The other party accepts the proposed contract (it is shared from then on) or declines it."""
    access = contract_or_404(session, caller, contract_id)
    if not access.may_decide:
        raise HTTPException(403, "only the other party accepts or declines a proposed contract")
    decide_contract(session, access, body.decision == "accept", None, now(request))
    session.commit()
    return _contract_out(access.contract)


@router.post("/contracts/{contract_id}/facts", response_model=FactsOut,
             responses={422: {"description": "A file was refused (each problem listed); the others were recorded."}})
async def upload_facts(request: Request, contract_id: str, caller: ApiCaller, session: SessionDep,
                       settings: SettingsDep,
                       period: Annotated[str, Form(description="Month the facts are for, YYYY-MM.")] = "",
                       files: Annotated[list[UploadFile] | None, File(
                           description="Files named after their kind of fact: interval_report, staffing, kpis, "
                                       "successes, contact_records (provider); forecasts, incidents (client); "
                                       "index_values; .csv or .parquet as the kind allows")] = None) -> FactsOut:
    """Submit files of facts for a month to the register, as the token's party."""
    access = contract_or_404(session, caller, contract_id)
    if not access.may_upload_facts:
        raise HTTPException(403, "only a party submits facts")
    received = Received()
    try:
        month = month_of(period)
    except WorkflowError as error:
        raise HTTPException(422, _problems(error.problems)) from None
    register = web_register(session, settings.data_dir, getattr(request.app.state, "register_clock", None))
    for upload in files or []:
        await receive_submission(register, access, month, upload.filename or "", _chunks(upload),
                                 f"{caller.organisation.name} (API)", caller.organisation.id, received)
    audit_submission(session, access, caller.organisation, None, received)
    session.commit()
    if received.problems:
        recorded = [{"code": "recorded", "where": f"{s.kind} v{s.version}", "message": s.sha256}
                    for s, added in received.submissions if added]
        raise HTTPException(422, _problems(received.problems) + recorded)
    return FactsOut(submissions=[SubmissionOut(**submission_out(s, added)) for s, added in received.submissions],
                    problems=[])


@router.get("/contracts/{contract_id}/register", response_model=list[SubmissionOut])
def get_register(contract_id: str, caller: ApiCaller, session: SessionDep, settings: SettingsDep,
                 period: str | None = None) -> list[SubmissionOut]:
    """Every version submitted for the contract (or one month), newest first, with its standing."""
    access = contract_or_404(session, caller, contract_id)
    return [SubmissionOut(**submission_out(v.submission, True), standing=v.standing, detail=v.detail)
            for month in register_view(session, settings.data_dir, access.contract)
            if period is None or month.period == period for v in month.versions]


async def _chunks(upload: UploadFile, size: int = 1024 * 1024):  # type: ignore[no-untyped-def]
    while chunk := await upload.read(size):
        yield chunk


def _settlement_out(row: Any) -> SettlementOut:
    return SettlementOut(id=row.id, contract=row.contract_id, period=row.period, inputs_sha256=row.inputs_sha256,
                         total_excluding_vat=row.total_excluding_vat, total_including_vat=row.total_including_vat,
                         settlement=settlement_document(row))


@router.post("/contracts/{contract_id}/settlements", response_model=SettlementOut, status_code=201)
def settle(request: Request, contract_id: str, body: SettleIn, caller: ApiCaller, session: SessionDep,
           settings: SettingsDep) -> SettlementOut:
    access = contract_or_404(session, caller, contract_id)
    if not access.may_settle:
        raise HTTPException(403, "only the provider settles a month")
    try:
        with heavy(request):
            row = settle_month(session, access, body.period.strip(), settings.data_dir, caller.organisation)
    except WorkflowError as error:
        session.rollback()
        raise HTTPException(422, _problems(error.problems)) from None
    session.commit()
    return _settlement_out(row)


@router.get("/contracts/{contract_id}/settlements/{period}", response_model=SettlementOut)
def get_settlement(contract_id: str, period: str, caller: ApiCaller, session: SessionDep) -> SettlementOut:
    access = contract_or_404(session, caller, contract_id)
    row = latest_settlement(session, access.contract, period)
    if row is None:
        raise HTTPException(404, "no settlement for this period")
    return _settlement_out(row)


@router.get("/contracts/{contract_id}/settlements/{period}/replay", response_model=ReplayOut)
def replay(request: Request, contract_id: str, period: str, caller: ApiCaller, session: SessionDep,
           settings: SettingsDep) -> ReplayOut:
    """Recompute the stored settlement from the register and compare it byte for byte (what a mediator does)."""
    access = contract_or_404(session, caller, contract_id)
    row = latest_settlement(session, access.contract, period)
    if row is None:
        raise HTTPException(404, "no settlement for this period")
    with heavy(request):
        outcome = replay_settlement(session, settings.data_dir, row)
    return ReplayOut(identical=outcome.identical, differences=outcome.differences,
                     problems=[ProblemOut(code=p.code, where=p.where, message=p.message) for p in outcome.problems],
                     replayed_at=outcome.replayed_at)
