"""The demo's dispute: the client contests the mailing day's verdict, a what-if, a mediator, a partial credit note.

The story, on the generated month (:mod:`charte.demo.month`): the client's unannounced mailing
brought +30% calls on one weekday. The service-level verdict was made on the week-ahead (W−1)
forecast issued before the mailing was known; fair evaluation credited the provider for the
intervals the mailing pushed out of the band. The client says it **had** announced the mailing —
in a W−1 revision sent four days before it (after the horizon's seven-day deadline), which the
register holds but the settlement did not read. So:

1. the client contests the service commitment's verdict (reason: *forecast used*), attaching
   the revision (the mailing day's W−1 intervals × the mailing's factor, issued four days before);
2. the provider recomputes: a what-if using that forecast version (:mod:`charte.disputes`) —
   with it, the mailing day is within the band, judged as measured;
3. the provider objects that the revision was late, and invites the mediator;
4. the mediator recommends the what-if: the provider received the revision in time to adjust
   part of its staffing;
5. both parties accept; the partial credit note passes the official e-invoicing rules and is
   issued in the demo's ledger database (Factur-X, UBL and CDAR files beside the invoice) for the difference;
   the invoice's lifecycle goes Déposée → En litige (207) → Approuvée partiellement (206), each
   status written as a CDAR message.

Dates follow the month (invoice on the next month's first day, then days after it, 10:00 Paris);
everything is deterministic: the same seed gives the same dispute, byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from babel.numbers import format_currency, format_percent

from charte.demo.month import DemoMonth, _open_weekday
from charte.disputes import (
    Claim,
    Entry,
    IssuedSettlement,
    Kind,
    MonthEvidence,
    Reason,
    Scope,
    UseForecastVersion,
    WhatIf,
    chain,
    correcting_document,
    whatif,
)
from charte.disputes.lifecycle import on_contest, on_end
from charte.disputes.words import KINDS, REASONS, STANDINGS, describe, scope_words
from charte.domain.calendar import PARIS, Month
from charte.domain.contract import Contract
from charte.io.cdar import write_cdar_messages
from charte.io.dispute_files import forecast_versions
from charte.io.einvoicing.documents import gate_document
from charte.payments import Invoice
from charte.payments.lifecycle import StatusEvent
from charte.reports.invoice_pdf import write_invoice_files
from charte.reports.waterfall import waterfall
from charte.settle import Settlement
from charte.store.ledger import SqlLedger
from charte.store.register import Register
from charte.store.replay import settled_facts

#: Days after the invoice each step is posted (the mediator takes ten days).
STEP_DAYS = {"contest": 4, "whatif": 8, "objection": 9, "recommendation": 19, "client": 22, "provider": 23}
NOTICE_DAYS = 4  # the client's revision came four days before its mailing


@dataclass(frozen=True)
class DemoDispute:
    claim: Claim
    entries: tuple[Entry, ...]
    whatif: WhatIf
    credit_note: Invoice | None
    mailing_day: date
    revision_file: str
    files: tuple[str, ...]


def mailing_day(generated: DemoMonth, contract: Contract) -> date:
    """The weekday of the client's mailing (the generator's rule)."""
    hours = contract.activity(generated.activity).hours
    return _open_weekday(generated.month.days(), hours, generated.assumptions.surge_open_weekday)


def mailing_revision(generated: DemoMonth, day: date) -> pa.Table:
    """The client's W−1 revision for the mailing day: the W−1 intervals of that day × the mailing's factor."""
    table = generated.forecasts
    days = np.array([start.astimezone(PARIS).date() for start in table.column("period_start").to_pylist()])
    keep = (np.array(table.column("horizon").to_pylist()) == "W-1") & (days == day)
    part = table.filter(pa.array(keep))
    volume = np.round(part.column("volume").to_numpy() * generated.assumptions.surge_factor, 1)
    issued = pa.array([day - timedelta(days=NOTICE_DAYS)] * part.num_rows, pa.date32())
    return part.set_column(part.schema.get_field_index("volume"), "volume", pa.array(volume)) \
        .set_column(part.schema.get_field_index("issued_on"), "issued_on", issued)


def _at(invoice_day: date, step: str) -> datetime:
    return datetime.combine(invoice_day + timedelta(days=STEP_DAYS[step]), time(10, 0), PARIS)


def run_dispute(out_dir: Path, register: Register, ledger: SqlLedger, contract: Contract, month: Month,
                settlement: Settlement, generated: DemoMonth) -> DemoDispute | None:
    """Play the dispute on the demo's files, on the facts the settlement read from ``register`` and on ``ledger``
    (the provider's, in the demo's database: module docstring); ``None`` when the what-if gives the client nothing
    to claim (another contract or month)."""
    commitment = next((c.id for c in contract.as_of(month.first_day).service_commitments
                       if c.activity == generated.activity and c.metric == "service_level"), None)
    invoice = next((d for d in ledger.documents() if d.kind == "invoice"), None)
    if commitment is None or invoice is None:
        return None
    day = mailing_day(generated, contract)
    revision = mailing_revision(generated, day)
    issued_on = day - timedelta(days=NOTICE_DAYS)
    name = f"forecast-revision-W-1-{issued_on.isoformat()}.csv"
    pacsv.write_csv(revision, out_dir / name)
    facts, settled = settled_facts(register, settlement.to_json())
    evidence = MonthEvidence.of(contract, month, facts, other_forecasts=forecast_versions(out_dir / name),
                                settled=settled)
    change = UseForecastVersion(activity=generated.activity, horizon="W-1", issued_on=issued_on)
    result = whatif(IssuedSettlement.of(settlement), evidence, [change])
    if not result.settled or result.totals is None or result.difference >= 0:
        return None
    claim = Claim(str(invoice.number), invoice.issue_date, invoice.total_including_vat, Scope.VERDICT,
                  Reason.FORECAST_USED, -result.totals.correction_including_vat, _CONTEST.format(
                      day=day.strftime("%d/%m"), issued=issued_on.strftime("%d/%m"), file=name),
                  commitment=commitment)
    entries = _thread(invoice.issue_date, claim, name, day, issued_on)
    status, code = on_contest(claim)
    ledger.record_status(StatusEvent(str(invoice.number), status, entries[0].at, code, "litige : prévision retenue"))
    note = correcting_document(contract, invoice, result, entries[-1].at.date(),
                               f"Litige sur la facture {invoice.number} : simulation acceptée (prévision W-1 du "
                               f"{issued_on.strftime('%d/%m/%Y')})")
    files: list[str] = [name]
    if note is not None:
        # the official e-invoicing rules, before the number is taken; dated on the demo's calendar
        note = ledger.issue(note, gate_document, today=note.issue_date)
        files += write_invoice_files(note, out_dir)
        files += write_cdar_messages(ledger.lifecycle(note), note, out_dir)
        entries.append(chain(entries, Entry(0, Kind.RESOLUTION, entries[-1].at, "provider", "charte",
                                            f"Avoir {note.number} : {_eur(note.total_including_vat)} TTC", "W1",
                                            note.number)))
    ended = on_end(claim, Kind.RESOLUTION, note.kind if note is not None else None)
    if ended is not None:
        ledger.record_status(StatusEvent(str(invoice.number), ended[0], entries[-1].at, ended[1], "litige résolu"))
    disputed = [e for e in ledger.lifecycle(invoice) if e.source == "recorded"]
    files += write_cdar_messages(disputed, invoice, out_dir)
    (out_dir / "dispute.json").write_text(_document(claim, entries, result), encoding="utf-8")
    return DemoDispute(claim, tuple(entries), result, note, day, name, (*files, "dispute.json"))


_CONTEST = ("Le verdict du {day} (jour de notre mailing) repose sur la prévision S−1 émise avant le mailing. "
            "Nous l'avions annoncé par une prévision S−1 révisée le {issued} ({file}, jointe) : le jour doit être "
            "jugé sur elle.")


def _thread(invoice_day: date, claim: Claim, name: str, day: date, issued_on: date) -> list[Entry]:
    steps = [
        (Kind.CONTEST, "contest", "client", "Énergie Verte SA", claim.text, None, (name,)),
        (Kind.WHATIF, "whatif", "provider", "Relais Contact SAS",
         f"Recalcul avec la prévision S−1 révisée du {issued_on:%d/%m}.", "W1", ()),
        (Kind.REJECT, "objection", "provider", "Relais Contact SAS",
         f"La révision du {issued_on:%d/%m} est arrivée {NOTICE_DAYS} jours avant le mailing, après l'échéance de "
         "l'horizon S−1 (7 jours) : elle n'engage pas le client.", "W1", ()),
        (Kind.INVITE_MEDIATOR, "objection", "provider", "Relais Contact SAS", "Médiation des entreprises", None, ()),
        (Kind.RECOMMENDATION, "recommendation", "mediator", "Médiation des entreprises",
         f"La révision est tardive au sens de l'horizon S−1, mais le prestataire l'a reçue {NOTICE_DAYS} jours avant "
         f"le {day:%d/%m} : assez pour ajuster une partie des effectifs. La charte (axe 2) veut que le prestataire "
         "soit jugé sur ce qu'il savait. Je recommande la simulation W1.", "W1", ()),
        (Kind.ACCEPT, "client", "client", "Énergie Verte SA", "", "W1", ()),
        (Kind.ACCEPT, "provider", "provider", "Relais Contact SAS", "", "W1", ()),
    ]
    entries: list[Entry] = []
    for kind, when, standing, author, text, whatif_id, attachments in steps:
        entries.append(chain(entries, Entry(0, kind, _at(invoice_day, when), standing, author, text, whatif_id,
                                            None, attachments)))
    return entries


def _document(claim: Claim, entries: list[Entry], result: WhatIf) -> str:
    data: dict[str, Any] = {
        "claim": {"invoice": claim.invoice, "invoice_date": claim.invoice_date.isoformat(),
                  "scope": str(claim.scope), "commitment": claim.commitment, "reason": str(claim.reason),
                  "disputed_amount": format(claim.disputed_amount, "f"), "text": claim.text},
        "thread": [{**e.content(), "sha256": e.sha256} for e in entries],
        "whatifs": {"W1": result.as_dict()},
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _eur(value: Any) -> str:
    return format_currency(Decimal(str(value)), "EUR", locale="fr_FR")


def report_context(d: DemoDispute) -> dict[str, Any]:
    """What the demo report shows of the dispute, in French (figures from the what-if, never recomputed)."""
    result, totals = d.whatif, d.whatif.totals
    assert totals is not None
    steps = [(x.label, x.difference) for x in result.lines if x.difference != 0]
    verdicts = [{"commitment": v.commitment, "issued": _share(v.issued.get("result")),
                 "proposed": _share(v.proposed.get("result")), "met": (v.issued.get("met"), v.proposed.get("met"))}
                for v in result.verdicts if v.changed]
    return {
        "invoice": d.claim.invoice, "day": d.mailing_day.strftime("%d/%m/%Y"),
        "scope": scope_words(d.claim.scope, "fr", d.claim.line, d.claim.commitment),
        "reason": REASONS["fr"][d.claim.reason], "amount": _eur(d.claim.disputed_amount), "text": d.claim.text,
        "changes": [describe(c, "fr") for c in result.changes],
        "thread": [{"at": e.at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"), "kind": KINDS["fr"][e.kind],
                    "who": STANDINGS["fr"].get(e.standing, e.standing), "author": e.author, "text": e.text,
                    "sha": e.sha256[:16]} for e in d.entries],
        "lines": [{"label": x.label, "clause": x.clause, "issued": _eur(x.issued_amount),
                   "proposed": _eur(x.proposed_amount), "difference": _eur(x.difference), "status": x.status}
                  for x in result.lines],
        "verdicts": verdicts,
        "totals": {"issued": _eur(totals.issued_excluding_vat), "proposed": _eur(totals.proposed_excluding_vat),
                   "difference": _eur(totals.difference), "vat": _eur(totals.correction_vat),
                   "ttc": _eur(totals.correction_including_vat)},
        "waterfall": waterfall("Du montant facturé au montant proposé (HT)", ("Facturé", totals.issued_excluding_vat),
                               steps, ("Proposé", totals.proposed_excluding_vat), _eur,
                               ("Totaux", "Hausse", "Baisse"), "L'axe des montants ne part pas de zéro."),
        "credit_note": None if d.credit_note is None else {
            "number": d.credit_note.number, "total": _eur(d.credit_note.total_including_vat),
            "files": [f for f in d.files if f.startswith("credit-note-")]},
        "revision": d.revision_file,
    }


def _share(value: Any) -> str:
    return "—" if value is None else format_percent(Decimal(str(value)), "#,##0.00\u00a0%", locale="fr_FR")


__all__ = ["DemoDispute", "mailing_day", "mailing_revision", "report_context", "run_dispute"]
