"""The statuses a dispute records on the invoice follow the e-invoicing lifecycle's own rules (issue 15's model)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from charte.disputes import Claim, Kind, Reason, Scope
from charte.disputes.lifecycle import on_contest, on_end
from charte.payments.lifecycle import REASONS, LifecycleError, Status, StatusEvent, check_history

DEPOSITED = StatusEvent("F000001", Status.DEPOSEE, datetime(2026, 11, 1, tzinfo=UTC), source="issued")


def claim(reason: Reason, scope: Scope = Scope.LINE, amount: str = "100.00") -> Claim:
    return Claim("F000001", date(2026, 11, 1), Decimal("1200.00"), scope, reason, Decimal(amount), "x", line=1)


def at(day: int) -> datetime:
    return datetime(2026, 11, day, tzinfo=UTC)


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_maps_to_a_code_the_standard_allows(reason: Reason) -> None:
    status, code = on_contest(claim(reason))
    assert status is Status.EN_LITIGE and code in REASONS["207"]
    refused, code = on_contest(claim(reason, Scope.INVOICE, "1200.00"))
    assert refused is Status.REFUSEE and code in REASONS["210"]
    ended = on_end(claim(reason), Kind.RESOLUTION, "credit_note")
    assert ended is not None and ended[0] is Status.APPROUVEE_PARTIELLEMENT and ended[1] in REASONS["206"]


def test_each_way_a_dispute_ends_is_a_transition_the_lifecycle_accepts() -> None:
    c = claim(Reason.FORECAST_USED)
    status, code = on_contest(c)
    contested = StatusEvent("F000001", status, at(5), code)
    for kind, document, expected in ((Kind.RESOLUTION, "credit_note", Status.APPROUVEE_PARTIELLEMENT),
                                     (Kind.RESOLUTION, "invoice", Status.APPROUVEE),
                                     (Kind.RESOLUTION, None, Status.APPROUVEE),
                                     (Kind.WITHDRAWAL, None, Status.APPROUVEE)):
        ended = on_end(c, kind, document)
        assert ended is not None and ended[0] is expected
        check_history([DEPOSITED, contested, StatusEvent("F000001", ended[0], at(20), ended[1])])
    assert on_end(c, Kind.CLOSING, None) is None   # closed without agreement: stays En litige


def test_a_refused_invoice_takes_no_status_after_the_dispute() -> None:
    whole = claim(Reason.PRICE_OR_INDEX, Scope.INVOICE, "1200.00")
    status, code = on_contest(whole)
    check_history([DEPOSITED, StatusEvent("F000001", status, at(5), code)])
    assert on_end(whole, Kind.WITHDRAWAL, None) is None and on_end(whole, Kind.RESOLUTION, "credit_note") is None
    with pytest.raises(LifecycleError, match="status_out_of_order"):   # the reason charte records nothing
        check_history([DEPOSITED, StatusEvent("F000001", status, at(5), code),
                       StatusEvent("F000001", Status.APPROUVEE, at(9))])
