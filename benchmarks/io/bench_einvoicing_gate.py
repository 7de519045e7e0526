"""The e-invoicing gate: compiling the official schematrons once, then validating one document.

Prints, for this machine and run:
- the time to compile each official stylesheet (SaxonC-HE), paid once per process;
- the median time to validate one document in CII (XSD + EN 16931 + Factur-X + BR-FR), in UBL
  (XSD + EN 16931 + BR-FR) and one CDAR status message (XSD + BR-FR CDV), for the demo-sized
  invoice (6 lines) and a 200-line invoice;
- as baselines measured in the same run: writing the XML, and the XSD check alone (lxml), with
  the gate's time as a ratio of each.

Run: .venv/bin/python benchmarks/io/bench_einvoicing_gate.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from charte.io.cdar import cdar_xml
from charte.io.contract_yaml import load_contract
from charte.io.einvoicing import gate
from charte.io.facturx import cii_xml
from charte.io.ubl import ubl_xml
from charte.payments.invoice import invoice_from_lines
from charte.payments.lifecycle import Status, StatusEvent

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.io.einvoicing.documents import VAT, month_documents, numbered, service_lines  # noqa: E402


def median_time(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    print("compile once per process (SaxonC-HE):")
    total = 0.0
    for syntax in ("cii", "ubl", "cdar"):
        for name, relative in gate.STYLESHEETS[syntax]:
            t0 = time.perf_counter()
            gate._executable(relative)
            spent = time.perf_counter() - t0
            total += spent
            print(f"  {name:<24} {spent:6.2f} s")
    print(f"  total                    {total:6.2f} s")
    contract = load_contract(ROOT / "examples" / "service-client-energie.yaml")
    small = month_documents(contract)["invoice"]
    many = numbered([line for _ in range(100) for line in service_lines(contract, Decimal(1))])
    large = invoice_from_lines(contract, "2026-10", many, VAT, date(2026, 11, 2)).numbered("F000002")
    cashed_at = datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Europe/Paris"))
    event = StatusEvent(small.number or "", Status.ENCAISSEE, cashed_at, amount=Decimal("1000.00"),
                        vat_rate=Decimal("0.20"))
    cases = [(f"CII, {len(small.items)} lines", "cii", lambda: cii_xml(small)),
             (f"UBL, {len(small.items)} lines", "ubl", lambda: ubl_xml(small)),
             (f"CII, {len(large.items)} lines", "cii", lambda: cii_xml(large)),
             (f"UBL, {len(large.items)} lines", "ubl", lambda: ubl_xml(large)),
             ("CDAR 212 Encaissée", "cdar", lambda: cdar_xml(event, small))]
    print(f"\none document (median of {runs}):")
    print(f"  {'document':<18} {'gate':>9} {'XSD only':>9} {'write XML':>9} {'gate/XSD':>9} {'gate/write':>10}")
    for name, syntax, write in cases:
        xml = write()
        assert gate.validate(xml, syntax).ok, name
        g = median_time(lambda xml=xml, syntax=syntax: gate.validate(xml, syntax), runs)
        x = median_time(lambda xml=xml, syntax=syntax: gate.validate_xsd(xml, syntax), runs)
        w = median_time(write, runs)
        print(f"  {name:<18} {g * 1000:7.1f} ms {x * 1000:6.1f} ms {w * 1000:6.1f} ms {g / x:8.1f}× {g / w:9.1f}×")


if __name__ == "__main__":
    main()
