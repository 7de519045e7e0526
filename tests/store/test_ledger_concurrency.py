"""Eight processes issuing invoices for the same provider at once, on SQLite and on PostgreSQL.

Each process tries to invoice the same twelve contract-months (two contracts × six months), in its
own order, all dated 1 July 2026. Whatever the interleaving, the ledger must end with exactly
twelve invoices numbered F000001…F000012 without a gap, one per contract-month, every other
attempt refused with a reason naming the invoice that exists — and a chain that verifies.
(The e-invoicing gate is replaced by one accepting everything: what is tested is the ledger's lock.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from charte.store import make_engine, migrate
from charte.store.ledger import SqlLedger

ROOT = Path(__file__).resolve().parents[2]
SIREN = "987654324"
PROCESSES = 8
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]
CONTRACTS = ["energie-a", "energie-b"]

CHILD = f"""
import json, random, sys
from datetime import date
from tests.payments.payments_fixtures import month_draft
from charte.payments.ledger import LedgerError
from charte.store import make_engine
from charte.store.ledger import SqlLedger

url, witness, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
ledger = SqlLedger(make_engine(url), "{SIREN}", "{SIREN}", witness and __import__("pathlib").Path(witness))
work = [(c, m) for c in {CONTRACTS!r} for m in {MONTHS!r}]
random.Random(seed).shuffle(work)
sys.stdin.readline()  # every process starts when the test says go
for contract, month in work:
    settled = f"{{contract}}-{{month}}".ljust(64, "0")
    draft = month_draft(month, date(2026, 7, 1), contract_id=contract, settlement=settled)
    try:
        issued = ledger.issue(draft, lambda document: None, today=date(2026, 7, 1))
        print(json.dumps({{"ok": issued.number, "contract": contract, "month": month}}), flush=True)
    except LedgerError as error:
        print(json.dumps({{"refused": error.code, "message": str(error)}}), flush=True)
"""


@pytest.mark.slow
def test_eight_concurrent_issuers_get_gap_free_numbers_and_one_invoice_per_month(database_url: str,
                                                                                  tmp_path: Path) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    witness = tmp_path / "witness"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, database_url, str(witness), str(seed)], cwd=ROOT,
                                 env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for seed in range(PROCESSES)]
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-2000:]
        outcomes += [json.loads(line) for line in out.splitlines() if line.strip()]
    issued = [o for o in outcomes if "ok" in o]
    refused = [o for o in outcomes if "refused" in o]
    assert len(outcomes) == PROCESSES * len(CONTRACTS) * len(MONTHS)
    assert {o["refused"] for o in refused} <= {"settlement_already_invoiced", "invoice_already_issued"}, refused
    assert sorted(o["ok"] for o in issued) == [f"F{n:06d}" for n in range(1, 13)]
    assert sorted((o["contract"], o["month"]) for o in issued) == sorted(
        (c, m) for c in CONTRACTS for m in MONTHS)
    assert len(refused) == (PROCESSES - 1) * 12
    assert {o["refused"] for o in refused} <= {"settlement_already_invoiced", "invoice_already_issued"}
    assert all(" as F0000" in o["message"] for o in refused)  # each refusal names the existing invoice
    ledger = SqlLedger(engine, SIREN, SIREN, witness)
    assert ledger.verify() == []
    assert len(ledger.documents()) == 12
    engine.dispose()


@pytest.mark.parametrize("point", ["ledger.before_commit", "ledger.after_commit"])
def test_an_issuer_killed_mid_issue_leaves_a_consistent_ledger(point: str, tmp_path: Path) -> None:
    """kill -9 inside the transaction (nothing recorded) or between the commit and the witness copy (recorded,
    copy written by the next operation); either way the chain verifies and the next number follows."""
    from datetime import date

    from tests.payments.payments_fixtures import month_draft
    url = f"sqlite:///{tmp_path / 'charte.db'}"
    engine = make_engine(url)
    migrate(engine)
    witness = tmp_path / "witness"
    SqlLedger(engine, SIREN, SIREN, witness).issue(month_draft("2026-05", date(2026, 7, 1)), lambda document: None,
                                                   today=date(2026, 7, 1))
    child = subprocess.run([sys.executable, "-c", CHILD, url, str(witness), "0"], check=False, cwd=ROOT, input="go\n",
                           env={**os.environ, "PYTHONPATH": str(ROOT), "CHARTE_FAULT_AT": point},
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -9, child.stderr[-2000:]
    ledger = SqlLedger(engine, SIREN, SIREN, witness)
    assert ledger.verify() == []
    numbers = [d.number for d in ledger.documents()]
    assert numbers == (["F000001"] if point == "ledger.before_commit" else ["F000001", "F000002"])
    nxt = ledger.issue(month_draft("2026-06", date(2026, 7, 1), contract_id="after"), lambda document: None,
                       today=date(2026, 7, 1))
    assert nxt.number == f"F{len(numbers) + 1:06d}"
    assert sorted(p.name for p in witness.glob("*.json")) == [f"{n:08d}.json" for n in range(1, len(numbers) + 2)]
    engine.dispose()
