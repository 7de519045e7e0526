"""``charte demo``: the whole available path on the embedded sample contract.

1. validate the example contract (every problem listed; errors stop the demo);
2. generate a realistic month of facts for each inbound voice activity;
3. write them in the canonical schemas (Parquet and CSV) with a manifest of hashes;
4. write an HTML report and return the figures for the terminal summary;
5. submit the facts to a fresh **register of evidence** (``charte.db`` and ``charte-files/`` in the
   output folder) as each party would have, on the demo's calendar: the client's M-1 forecast on
   the day it was issued, each week's W-1 forecast, its CRM outage the day it happened; the
   provider's interval report, staffing and contact records on the first day of the next month
   (times *declared*, since the calendar is simulated);
6. settle the month from the register (``charte.store.replay``) on the published reference data
   shipped with charte; when a value the month needs is missing there (a revision from January
   2027 needs the Syntec index of October 2026), on the ILLUSTRATIVE Syntec series instead, and
   then the settlement says so (``reference_data`` of ``settlement.json``, every page); write
   ``settlement.json`` (with its evidence block: files, reference series and software versions)
   and ``settlement.html``;
7. issue the month's invoice on the first day of the next month in the fresh ledger of the same
   database (``charte.payments`` rules) once the official e-invoicing rules (EN 16931, Factur-X,
   BR-FR) found nothing fatal in it, and write it as Factur-X PDF, CII XML, UBL XML and XLSX
   beside the other files, with its lifecycle status Déposée as a CDAR message — unless the
   settlement rests on illustrative values: then the invoice is an unnumbered **specimen** (PDF
   and XLSX, clearly marked), which no ledger numbers;
8. replay the settlement from the register, as a mediator would (``charte verify``);
9. score the contract and its settled month against the charters (``charte.charter``) on the first
   day of the next month, with the month's measured AHT, and write ``scorecard.json`` and
   ``scorecard.html``;
8. play one dispute on the invoice (:mod:`charte.demo.dispute`): the client contests the mailing day's
   verdict, a what-if, the mediator's recommendation, the partial credit note; shown in the report.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from babel.dates import format_date

from charte.charter import Scorecard, scorecard
from charte.demo.daily import Day, daily
from charte.demo.dispute import DemoDispute, report_context, run_dispute
from charte.demo.month import Assumptions, DemoMonth, ServiceTarget, generate_month
from charte.domain.calendar import PARIS, Month
from charte.domain.contract import Contract
from charte.domain.records import Channel
from charte.io.canonical import write_csv, write_parquet
from charte.io.cdar import write_cdar_messages
from charte.io.contract_yaml import check_contract_file, load_contract
from charte.io.einvoicing.documents import gate_document
from charte.io.settlement_files import write_settlement_json
from charte.payments import invoice_from_settlement
from charte.reports.demo_report import ActivityView, render_demo_report
from charte.reports.invoice_pdf import write_invoice_files, write_specimen_files
from charte.reports.scorecard_report import render_scorecard_report
from charte.reports.settlement_report import render_settlement_report
from charte.settle import Settlement, SettlementError
from charte.store.books import Books, open_books
from charte.store.register import Register
from charte.store.replay import replay, settle_from_register

DEFAULT_CONTRACT = "service-client-energie.yaml"
DEFAULT_MONTH = Month(2026, 10)
DEFAULT_SEED = 2026


def default_contract_path() -> Path:
    """The sample contract shipped with the package (``examples/`` in the repository)."""
    return Path(str(resources.files("charte.examples").joinpath(DEFAULT_CONTRACT)))


@dataclass(frozen=True)
class DemoResult:
    contract: Contract
    month: Month
    out_dir: Path
    report: Path
    months: tuple[DemoMonth, ...]
    days: dict[str, list[Day]]
    files: tuple[str, ...]
    warnings: tuple[str, ...]
    settlement: Settlement | None = None
    settlement_problems: tuple[str, ...] = ()
    invoice_files: tuple[str, ...] = ()
    scorecard: Scorecard | None = None
    dispute: DemoDispute | None = None
    submissions: int = 0
    verified: bool | None = None
    database: Path | None = None


def _service_target(contract: Contract, activity: str) -> ServiceTarget:
    for c in contract.service_commitments:
        if c.activity == activity and c.metric == "service_level":
            return ServiceTarget(float(c.target), int(c.threshold_seconds), int(c.short_abandon_seconds or 0))
    return ServiceTarget()


def run_demo(
    out_dir: Path, *, contract_path: Path | None = None, month: Month = DEFAULT_MONTH, seed: int = DEFAULT_SEED,
    assumptions: Assumptions | None = None,
) -> DemoResult:
    path = contract_path or default_contract_path()
    warnings = tuple(p.format() for p in check_contract_file(path) if p.severity != "error")
    contract = load_contract(path)  # raises with every problem when the contract is invalid
    version = contract.as_of(month.first_day)
    out_dir.mkdir(parents=True, exist_ok=True)
    months: list[DemoMonth] = []
    days: dict[str, list[Day]] = {}
    for i, activity in enumerate(a for a in version.activities if a.channel == Channel.VOICE_INBOUND):
        target = _service_target(version, activity.id)
        generated = generate_month(activity.id, activity.hours, month, seed=seed + i, assumptions=assumptions,
                                   target=target)
        months.append(generated)
        days[activity.id] = daily(generated.interval_report, generated.forecasts, generated.staffing,
                                  target.threshold_seconds)
    files = _write_facts(out_dir, months)
    books = _fresh_books(out_dir)
    register = books.register(clock=lambda: _paris(month.next().first_day, 10))
    submissions = _submit(register, version, month, months, path.read_text(encoding="utf-8"))
    settlement, problems, settlement_files = _settle(out_dir, register, path.read_text(encoding="utf-8"), contract,
                                                     month)
    invoice_files = _issue_invoice(out_dir, books, contract, month, settlement) if settlement is not None else ()
    verified = (replay(register, (out_dir / "settlement.json").read_text(encoding="utf-8")).identical
                if settlement is not None else None)
    card, scorecard_files = _scorecard(out_dir, contract, month, settlement, months)
    dispute = run_dispute(out_dir, register, books.ledger(contract.provider.siren), contract, month, settlement,
                          months[0]) if settlement is not None and invoice_files and months else None
    books.close()
    report = _write_report(out_dir, version, month, months, days, files, seed, warnings,
                           report_context(dispute) if dispute is not None else None)
    files = (*files, *settlement_files, *invoice_files, *scorecard_files, *(dispute.files if dispute else ()))
    manifest = {
        "contract": version.id, "contract_sha256": _sha256(path), "month": str(month), "seed": seed,
        "files": {name: _sha256(out_dir / name) for name in files},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return DemoResult(version, month, out_dir, report, tuple(months), days, (*files, "manifest.json"), warnings,
                      settlement, problems, invoice_files, card, dispute, submissions, verified,
                      out_dir / "charte.db")


def _paris(day: object, hour: int) -> datetime:
    return datetime.combine(day, time(hour), PARIS)  # type: ignore[arg-type]


def _fresh_books(out_dir: Path) -> Books:
    """A new register and ledger in the output folder (a rerun starts over: same numbers, same bytes)."""
    for path in out_dir.glob("charte.db*"):
        path.unlink()
    shutil.rmtree(out_dir / "charte-files", ignore_errors=True)
    return open_books(out_dir / "charte.db")


def _parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _submit(register: Register, contract: Contract, month: Month, months: list[DemoMonth], contract_text: str) -> int:
    """Submit the month's facts as the parties would have, on the demo's calendar (module docstring)."""
    if not months:
        return 0
    key, count = contract.id, 0
    client, provider = f"{contract.client.name} (demo)", f"{contract.provider.name} (demo)"

    def send(data: bytes, name: str, kind: str, party: str, who: str, at: datetime) -> None:
        nonlocal count
        register.submit(register.objects.stage_chunks([data]), contract=contract, contract_key=key, period=month,
                        kind=kind, file_name=name, party=party, submitted_by=who, declared_at=at)
        count += 1

    forecasts = _concat([m.forecasts for m in months])
    issues = sorted({(h, str(d)) for h, d in zip(forecasts.column("horizon").to_pylist(),
                                                 forecasts.column("issued_on").to_pylist(), strict=True)},
                    key=lambda item: (item[1], item[0]))
    for horizon, issued in issues:
        mask = pc.and_(pc.equal(forecasts.column("horizon"), horizon),
                       pc.equal(pc.cast(forecasts.column("issued_on"), pa.string()), issued))
        send(_parquet_bytes(forecasts.filter(mask)), f"forecasts-{horizon}-{issued}.parquet", "forecasts", "client",
             client, _paris(datetime.fromisoformat(issued).date(), 9))
    incidents = [i for m in months for i in m.incidents]
    if incidents:
        buffer = io.BytesIO()
        pacsv.write_csv(_incidents_table(months), buffer)
        send(buffer.getvalue(), "incidents.csv", "incidents", "client", client,
             max(i.end for i in incidents).astimezone(UTC) + timedelta(hours=2))
    closing = _paris(month.next().first_day, 8)
    for kind, table in (("interval_report", _concat([m.interval_report for m in months])),
                        ("staffing", _concat([m.staffing for m in months])),
                        ("contact_records", _concat([m.records for m in months]))):
        send(_parquet_bytes(table), f"{kind}.parquet", kind, "provider", provider, closing)
    return count


def _scorecard(out_dir: Path, contract: Contract, month: Month, settlement: Settlement | None,
               months: list[DemoMonth]) -> tuple[Scorecard, tuple[str, ...]]:
    """The charter scorecard of the contract and its settled month, judged the next month's first day."""
    aht = {m.activity: Decimal(f"{m.summary()['aht_seconds']:.1f}") for m in months}
    card = scorecard(contract, [settlement] if settlement is not None else [], today=month.next().first_day,
                     measured_aht=aht)
    (out_dir / "scorecard.json").write_text(card.to_json(), encoding="utf-8")
    band = contract.forecasts.band if contract.forecasts else None
    horizon = (band.horizon or contract.forecasts.reference_horizon.name) if band and contract.forecasts else None
    render_scorecard_report(card, out_dir / "scorecard.html",
                            band=(float(band.under), float(band.over)) if band else None, horizon=horizon)
    return card, ("scorecard.json", "scorecard.html")


def _issue_invoice(out_dir: Path, books: Books, contract: Contract, month: Month,
                   settlement: Settlement) -> tuple[str, ...]:
    """Issue the settled month's invoice (first day of the next month) in the demo's fresh ledger, after the official
    e-invoicing rules found nothing fatal in it; write its files and its lifecycle status (Déposée) as CDAR; a
    specimen, numbered by no ledger, when the settlement rests on illustrative values."""
    if settlement.illustrative:
        return write_specimen_files(invoice_from_settlement(contract, settlement, month.next().first_day,
                                                            specimen=True), out_dir)
    draft = invoice_from_settlement(contract, settlement, month.next().first_day)
    ledger = books.ledger(contract.provider.siren)
    issued = ledger.issue(draft, gate_document, today=month.next().first_day)
    return (*write_invoice_files(issued, out_dir, overwrite=True),
            *write_cdar_messages(ledger.lifecycle(issued), issued, out_dir))


def _settle(
    out_dir: Path, register: Register, contract_text: str, contract: Contract, month: Month,
) -> tuple[Settlement | None, tuple[str, ...], tuple[str, ...]]:
    """Settle the generated month from the register; problems instead of a settlement.

    On the shipped reference data first (the user's folder is not read: the demo gives the same result
    everywhere); only when that lacks an index value the month needs, on the illustrative Syntec series,
    which marks the settlement (it can then never be invoiced).
    """
    try:
        settlement = settle_from_register(register, contract_text, contract.id, month,
                                          reference=out_dir / "no-reference")
    except SettlementError as error:
        if {p.code for p in error.problems} != {"missing_index_value"}:
            return None, tuple(p.format() for p in error.problems), ()
        try:
            settlement = settle_from_register(register, contract_text, contract.id, month, illustrative=True)
        except SettlementError as again:
            return None, tuple(p.format() for p in again.problems), ()
    write_settlement_json(settlement, out_dir / "settlement.json")
    render_settlement_report(settlement, out_dir / "settlement.html", contract_name=contract.name,
                             client=contract.client.name, provider=contract.provider.name)
    return settlement, (), ("settlement.json", "settlement.html")


def _concat(tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def _write_facts(out_dir: Path, months: list[DemoMonth]) -> tuple[str, ...]:
    if not months:
        return ()
    outputs = {
        "contact_records": _concat([m.records for m in months]),
        "interval_report": _concat([m.interval_report for m in months]),
        "forecasts": _concat([m.forecasts for m in months]),
        "staffing": _concat([m.staffing for m in months]),
    }
    names: list[str] = []
    for stem, table in outputs.items():
        write_parquet(table, out_dir / f"{stem}.parquet")
        write_csv(table, out_dir / f"{stem}.csv")
        names += [f"{stem}.parquet", f"{stem}.csv"]
    pacsv.write_csv(_incidents_table(months), out_dir / "incidents.csv")
    (out_dir / "assumptions.json").write_text(json.dumps(asdict(months[0].assumptions), indent=2) + "\n")
    return (*names, "incidents.csv", "assumptions.json")


def _incidents_table(months: list[DemoMonth]) -> pa.Table:
    return pa.table({
        "activity": [i.activity for m in months for i in m.incidents],
        "kind": [i.kind for m in months for i in m.incidents],
        "side": [i.side for m in months for i in m.incidents],
        "start": pa.array([i.start for m in months for i in m.incidents], pa.timestamp("us", tz="UTC")),
        "end": pa.array([i.end for m in months for i in m.incidents], pa.timestamp("us", tz="UTC")),
        "description": [i.description for m in months for i in m.incidents],
    })


def _write_report(
    out_dir: Path, contract: Contract, month: Month, months: list[DemoMonth], days: dict[str, list[Day]],
    files: tuple[str, ...], seed: int, warnings: tuple[str, ...], dispute: dict[str, Any] | None = None,
) -> Path:
    band = contract.forecasts.band if contract.forecasts else None
    views = []
    for generated in months:
        activity = contract.activity(generated.activity)
        views.append(ActivityView(
            id=activity.id, function=str(activity.function), channel=str(activity.channel),
            hours=str(activity.hours), target=generated.target.target,
            threshold_seconds=generated.target.threshold_seconds,
            band_under=float(band.under) if band else 0.1, band_over=float(band.over) if band else 0.1,
            summary=generated.summary(), days=days[generated.activity],
            incidents=[f"{i.start:%d/%m %H:%M}–{i.end:%H:%M} UTC · {i.kind} ({i.side}) : {i.description}"
                       for i in generated.incidents],
        ))
    return render_demo_report(
        out_dir / "report.html", contract_id=contract.id, contract_name=contract.name or contract.id,
        client=contract.client.name, provider=contract.provider.name, month=str(month),
        month_label=format_date(month.first_day, "MMMM y", locale="fr_FR"), activities=views, files=files,
        seed=seed, assumptions=asdict(months[0].assumptions) if months else {}, problems=warnings, dispute=dispute,
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
